package io.smtreplay.projection;

import io.smtreplay.episode.EpisodeCounts;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.Level;
import io.smtreplay.trace.ExitReason;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a set of episodes and guest intervals adds up to (for one app, a window, or a worker's
 * share of them), for several SMT configurations at once. Filled by a {@link Projector};
 * {@link #merge} combines partial results exactly (sums and histogram counts), so the split
 * of the input among workers does not change the answer.
 *
 * <p>Complete episodes go into the time totals (whole app, per vCPU thread, per type and outer
 * reason). Incomplete ones are counted by reason and their observed time is reported as
 * {@link #unmodelledNs() unmodelled}; their traps still count in the exits per level.
 */
public final class ProjectionAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<String> configurations;
    private final TimeTotals total;
    private final TimeBlocks blocks;
    private final Map<Integer, TimeTotals> byThread = new HashMap<>();
    private final EnumMap<EpisodeType, HashMap<ExitReason, ReasonStats>> byReason = new EnumMap<>(EpisodeType.class);
    private final EpisodeCounts episodes = new EpisodeCounts();
    private long unmodelledNs;
    private long shorterThanModelled;
    private long guestShorterThanModelled;
    private long l1Exits;
    private long l2Exits;
    /** Traps into L0 made by complete L2 episodes, and how many such episodes: exit multiplication. */
    private long l2EpisodeTraps;
    private long l2Episodes;
    private transient int lastThread;
    private transient TimeTotals lastThreadTotals;

    /** An empty accumulator for these configuration names (in the {@link Projector}'s order). */
    public ProjectionAccumulator(List<String> configurations) {
        this.configurations = List.copyOf(configurations);
        this.total = new TimeTotals(this.configurations.size());
        this.blocks = new TimeBlocks(this.configurations.size());
    }

    // ---- filled by Projector ----

    void addGuest(int thread, Level level, long atNs, long ns) {
        boolean l2 = level == Level.L2;
        total.addGuest(l2, ns);
        threadTotals(thread).addGuest(l2, ns);
        blocks.addGuest(atNs, ns);
    }

    void addIncomplete(io.smtreplay.episode.Episode e) {
        episodes.add(e);
        unmodelledNs += e.durationNs();
        countExits(e.l1ToL0(), e.l2ToL0());
    }

    void addComplete(io.smtreplay.episode.Episode e, long baseline, long[] projected, long wait, boolean shorter) {
        episodes.add(e);
        countExits(e.l1ToL0(), e.l2ToL0());
        if (shorter) {
            shorterThanModelled++;
        }
        if (e.type().exitingLevel() == Level.L2) {
            l2Episodes++;
            l2EpisodeTraps += e.trapsIntoL0();
        }
        total.addEpisode(baseline, projected, wait);
        threadTotals(e.thread()).addEpisode(baseline, projected, wait);
        blocks.addEpisode(e.startNs(), baseline, projected, wait);
        // D10: a reflected exit is reported under the reason L1 handled (EPT_MISCONFIG for a virtio
        // doorbell that L0 saw as an EPT violation), as the paper and L1's own tools name it.
        ExitReason reason = e.handledReason() == null ? UNKNOWN_REASON : e.handledReason();
        reasonStats(e.type(), reason).add(baseline, projected, e.trapsIntoL0());
    }

    /** A wait of a vCPU thread whose cause the trace shows, shortened by the cause's savings. */
    void shortenWait(int thread, long atNs, long waitNs, long[] savedNs) {
        total.shortenWait(waitNs, savedNs);
        threadTotals(thread).shortenWait(waitNs, savedNs);
        blocks.shortenWait(atNs, waitNs, savedNs);
    }

    void addGuestShorterThanModelled() {
        guestShorterThanModelled++;
    }

    private static final ExitReason UNKNOWN_REASON = ExitReason.unknown(io.smtreplay.trace.Isa.UNKNOWN, -1);

    private void countExits(int l1, int l2) {
        l1Exits += l1;
        l2Exits += l2;
    }

    private ReasonStats reasonStats(EpisodeType type, ExitReason reason) {
        HashMap<ExitReason, ReasonStats> reasons = byReason.get(type);
        if (reasons == null) {
            reasons = new HashMap<>();
            byReason.put(type, reasons);
        }
        ReasonStats stats = reasons.get(reason);
        if (stats == null) {
            stats = new ReasonStats(configurations.size());
            reasons.put(reason, stats);
        }
        return stats;
    }

    private TimeTotals threadTotals(int thread) {
        if (lastThreadTotals != null && lastThread == thread) {
            return lastThreadTotals; // an accumulator mostly sees long runs of one thread
        }
        TimeTotals t = byThread.get(thread);
        if (t == null) {
            t = new TimeTotals(configurations.size());
            byThread.put(thread, t);
        }
        lastThread = thread;
        lastThreadTotals = t;
        return t;
    }

    // ---- merging ----

    /** Adds another accumulator's content (same configurations, in the same order) to this one. */
    public ProjectionAccumulator merge(ProjectionAccumulator other) {
        if (!configurations.equals(other.configurations)) {
            throw new IllegalArgumentException("cannot merge projections of " + other.configurations + " into "
                    + configurations);
        }
        total.merge(other.total);
        blocks.merge(other.blocks);
        other.byThread.forEach((thread, totals) -> threadTotals(thread).merge(totals));
        other.byReason.forEach((type, reasons) ->
                reasons.forEach((reason, stats) -> reasonStats(type, reason).merge(stats)));
        episodes.merge(other.episodes);
        unmodelledNs += other.unmodelledNs;
        shorterThanModelled += other.shorterThanModelled;
        guestShorterThanModelled += other.guestShorterThanModelled;
        l1Exits += other.l1Exits;
        l2Exits += other.l2Exits;
        l2EpisodeTraps += other.l2EpisodeTraps;
        l2Episodes += other.l2Episodes;
        return this;
    }

    // ---- the result ----

    public List<String> configurations() {
        return configurations;
    }

    /** The position of a configuration in this accumulator's slots. */
    public int indexOf(String configuration) {
        int i = configurations.indexOf(configuration);
        if (i < 0) {
            throw new IllegalArgumentException("no configuration " + configuration + " in " + configurations);
        }
        return i;
    }

    public TimeTotals total() {
        return total;
    }

    /** Totals per vCPU thread id. */
    public Map<Integer, TimeTotals> byThread() {
        return java.util.Collections.unmodifiableMap(byThread);
    }

    /** The wall-clock speedup of a configuration: Σ vCPU timelines observed / projected ({@link TimeTotals}). */
    public double wallClockSpeedup(String configuration) {
        return total.wallClockSpeedup(indexOf(configuration));
    }

    /** The time totals in blocks of event time, for confidence intervals. */
    public TimeBlocks blocks() {
        return blocks;
    }

    /** 95 % bootstrap interval of the wall-clock speedup; null when there is not enough data. */
    public TimeBlocks.Interval wallClockInterval(String configuration) {
        return blocks.interval(indexOf(configuration), true);
    }

    /** 95 % bootstrap interval of the CPU-time speedup; null when there is not enough data. */
    public TimeBlocks.Interval cpuTimeInterval(String configuration) {
        return blocks.interval(indexOf(configuration), false);
    }

    /** The CPU-time speedup: (guest + Σ busy) / (guest + Σ projected busy), waits left out. */
    public double cpuTimeSpeedup(String configuration) {
        return total.cpuTimeSpeedup(indexOf(configuration));
    }

    public EpisodeCounts episodes() {
        return episodes;
    }

    /** Observed time of incomplete episodes: not projected. */
    public long unmodelledNs() {
        return unmodelledNs;
    }

    /** Complete episodes shorter than the switch costs the profile gives them (scaled, not subtracted). */
    public long shorterThanModelled() {
        return shorterThanModelled;
    }

    /**
     * Guest intervals shorter than the parts of their bounding switches the profile puts outside
     * the exit→entry window: the trace and the profile disagree there (a profile of another CPU).
     */
    public long guestShorterThanModelled() {
        return guestShorterThanModelled;
    }

    /** Traps of L1 into L0 (its own exits and those inside reflected L2 episodes). */
    public long exits(Level level) {
        return switch (level) {
            case L1 -> l1Exits;
            case L2 -> l2Exits;
            case L0 -> 0;
        };
    }

    /** Traps into L0 per L2 exit (complete L2 episodes); 0 when there was no L2 exit. */
    public double exitMultiplication() {
        return l2Episodes == 0 ? 0 : (double) l2EpisodeTraps / l2Episodes;
    }

    /** Statistics of the complete episodes of a type and outer reason. */
    public Map<ExitReason, ReasonStats> byReason(EpisodeType type) {
        return java.util.Collections.unmodifiableMap(byReason.getOrDefault(type, new HashMap<>()));
    }

    /** Σ baseline busy time of the complete episodes opened by exits of a level. */
    public long baselineNs(Level level) {
        long sum = 0;
        for (EpisodeType type : EpisodeType.values()) {
            if (type.exitingLevel() == level) {
                for (ReasonStats stats : byReason(type).values()) {
                    sum += stats.baselineNs();
                }
            }
        }
        return sum;
    }

    /** Σ projected busy time of the complete episodes opened by exits of a level. */
    public long projectedNs(Level level, String configuration) {
        int index = indexOf(configuration);
        long sum = 0;
        for (EpisodeType type : EpisodeType.values()) {
            if (type.exitingLevel() == level) {
                for (ReasonStats stats : byReason(type).values()) {
                    sum += stats.projectedNs(index);
                }
            }
        }
        return sum;
    }

    /** Every (type, reason) for a configuration, the most time saved first. */
    public List<ReasonSummary> reasonsBySaving(String configuration) {
        int index = indexOf(configuration);
        List<ReasonSummary> list = new ArrayList<>();
        byReason.forEach((type, reasons) -> reasons.forEach((reason, s) -> list.add(new ReasonSummary(type,
                reason.toString(), s.episodes(), s.trapsIntoL0(), s.baselineNs(), s.projectedNs(index),
                s.baselineLatency().getValueAtPercentile(50), s.projectedLatency(index).getValueAtPercentile(50),
                s.baselineLatency().getValueAtPercentile(99), s.projectedLatency(index).getValueAtPercentile(99)))));
        list.sort(Comparator.comparingLong(ReasonSummary::savedNs).reversed()
                .thenComparing(ReasonSummary::type).thenComparing(ReasonSummary::reason));
        return list;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProjectionAccumulator a && configurations.equals(a.configurations)
                && total.equals(a.total) && blocks.equals(a.blocks) && byThread.equals(a.byThread) && byReason.equals(a.byReason)
                && episodes.equals(a.episodes) && unmodelledNs == a.unmodelledNs
                && shorterThanModelled == a.shorterThanModelled
                && guestShorterThanModelled == a.guestShorterThanModelled && l1Exits == a.l1Exits && l2Exits == a.l2Exits
                && l2EpisodeTraps == a.l2EpisodeTraps && l2Episodes == a.l2Episodes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(configurations, total, episodes);
    }

    @Override
    public String toString() {
        return "projection " + configurations + ": " + total + "; " + episodes;
    }
}
