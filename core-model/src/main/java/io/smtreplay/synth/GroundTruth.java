package io.smtreplay.synth;

import io.smtreplay.episode.EpisodeType;

import io.smtreplay.episode.WorldSwitch;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a synthesized trace contains, counted from the timestamps as printed (truncated to the
 * tool's microseconds), so that a parser + tracker reading the file can be checked against it
 * exactly. Reasons are keyed by their kernel (TP_printk) name, e.g. {@code CPUID}, {@code npf}.
 *
 * <p>Conventions: an episode runs from its opening {@code kvm_exit} to the {@code kvm_entry}
 * back into the level that exited; guest time is every window from a {@code kvm_entry} to the
 * next {@code kvm_exit} outside episodes (so a vCPU's time before its first exit and after its
 * last entry is not counted); idle time is the part of idle episodes (HLT) spent waiting.
 */
public final class GroundTruth {

    private final EnumMap<EpisodeType, Long> episodes = new EnumMap<>(EpisodeType.class);
    private final EnumMap<EpisodeType, Long> episodeNs = new EnumMap<>(EpisodeType.class);
    private final Map<String, Long> episodesByTypeAndReason = new TreeMap<>();
    private final Map<String, Long> l2ExitsByReason = new TreeMap<>();
    private final Map<String, Long> l1ExitsByReason = new TreeMap<>();
    private final Map<String, Long> injectedByReason = new TreeMap<>();
    private final EnumMap<WorldSwitch, Long> switches = new EnumMap<>(WorldSwitch.class);
    private final Map<String, Long> eventsByTracepoint = new TreeMap<>();
    private long l2GuestNs;
    private long l1GuestNs;
    private long idleEpisodes;
    private long idleWaitNs;
    private long reflectedL0Ns;
    private long reflectedL1Ns;
    private long lines;
    private long headerLines;

    void episode(EpisodeType type, String reason, long durationNs) {
        episodes.merge(type, 1L, Long::sum);
        episodeNs.merge(type, durationNs, Long::sum);
        episodesByTypeAndReason.merge(type + " " + reason, 1L, Long::sum);
    }

    void reflectedSplit(long inL0Ns, long inL1Ns) {
        reflectedL0Ns += inL0Ns;
        reflectedL1Ns += inL1Ns;
    }

    void idle(long waitNs) {
        idleEpisodes++;
        idleWaitNs += waitNs;
    }

    void l2Exit(String reason) {
        l2ExitsByReason.merge(reason, 1L, Long::sum);
    }

    void injected(String reason) {
        injectedByReason.merge(reason, 1L, Long::sum);
    }

    void l1Exit(String reason) {
        l1ExitsByReason.merge(reason, 1L, Long::sum);
    }

    void worldSwitch(WorldSwitch kind, long count) {
        switches.merge(kind, count, Long::sum);
    }

    void guest(boolean l2, long ns) {
        if (l2) {
            l2GuestNs += ns;
        } else {
            l1GuestNs += ns;
        }
    }

    void event(String tracepoint) {
        eventsByTracepoint.merge(tracepoint, 1L, Long::sum);
        lines++;
    }

    void headerLine() {
        headerLines++;
        lines++;
    }

    public long episodes(EpisodeType type) {
        return episodes.getOrDefault(type, 0L);
    }

    public long totalEpisodes() {
        return episodes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Observed (baseline) time of all episodes of a type, ns. */
    public long episodeNs(EpisodeType type) {
        return episodeNs.getOrDefault(type, 0L);
    }

    /** Observed (baseline) time of all episodes, ns, idle waits included. */
    public long baselineEpisodeNs() {
        return episodeNs.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Counts keyed {@code "<EpisodeType> <reason>"}, e.g. {@code "L2_EXIT_REFLECTED CPUID"}. */
    public Map<String, Long> episodesByTypeAndReason() {
        return Collections.unmodifiableMap(episodesByTypeAndReason);
    }

    /** Exits of L2 (each opens an L2 episode) by reason. */
    public Map<String, Long> l2ExitsByReason() {
        return Collections.unmodifiableMap(l2ExitsByReason);
    }

    /**
     * Reasons L0 reflected to L1 ({@code kvm_nested_vmexit_inject}): usually L2's own, but L2's
     * MMIO on VMX exits to L0 as EPT_VIOLATION and reaches L1 as EPT_MISCONFIG.
     */
    public Map<String, Long> injectedByReason() {
        return Collections.unmodifiableMap(injectedByReason);
    }

    /** Exits of L1 by reason: those inside reflected episodes (its traps and VMRESUME/VMRUN) and L1-only episodes. */
    public Map<String, Long> l1ExitsByReason() {
        return Collections.unmodifiableMap(l1ExitsByReason);
    }

    /** Every {@code kvm_exit} the host traced. */
    public long l0Exits() {
        return sum(l2ExitsByReason) + sum(l1ExitsByReason);
    }

    /** L0 exits caused by L2 exits (their own and L1's inside reflected episodes) per L2 exit. */
    public double exitMultiplication() {
        long l2 = sum(l2ExitsByReason);
        if (l2 == 0) {
            return 0;
        }
        long l1Only = episodes(EpisodeType.L1_EXIT);
        return (double) (l0Exits() - l1Only) / l2;
    }

    public long switches(WorldSwitch kind) {
        return switches.getOrDefault(kind, 0L);
    }

    public long l2GuestNs() {
        return l2GuestNs;
    }

    public long l1GuestNs() {
        return l1GuestNs;
    }

    public long idleEpisodes() {
        return idleEpisodes;
    }

    /** Waiting inside idle episodes (exit to entry of HLT), ns. */
    public long idleWaitNs() {
        return idleWaitNs;
    }

    /** Time of reflected episodes spent in L0, ns. */
    public long reflectedL0Ns() {
        return reflectedL0Ns;
    }

    /** Time of reflected episodes spent in L1 (from each entry into L1 to its next exit), ns. */
    public long reflectedL1Ns() {
        return reflectedL1Ns;
    }

    public Map<String, Long> eventsByTracepoint() {
        return Collections.unmodifiableMap(eventsByTracepoint);
    }

    /** Every line written, header comments included. */
    public long lines() {
        return lines;
    }

    public long headerLines() {
        return headerLines;
    }

    public long eventLines() {
        return lines - headerLines;
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    /** A plain-text report, one fact a line. */
    public String report() {
        StringBuilder s = new StringBuilder();
        s.append("lines ").append(lines).append(" (events ").append(eventLines()).append(", header ").append(headerLines).append(")\n");
        for (EpisodeType type : EpisodeType.values()) {
            s.append("episodes ").append(type).append(' ').append(episodes(type))
                    .append(" observed_ns ").append(episodeNs(type)).append('\n');
        }
        episodesByTypeAndReason.forEach((k, v) -> s.append("episodes_by_reason ").append(k).append(' ').append(v).append('\n'));
        l2ExitsByReason.forEach((k, v) -> s.append("l2_exits ").append(k).append(' ').append(v).append('\n'));
        injectedByReason.forEach((k, v) -> s.append("injected ").append(k).append(' ').append(v).append('\n'));
        l1ExitsByReason.forEach((k, v) -> s.append("l1_exits ").append(k).append(' ').append(v).append('\n'));
        s.append("l0_exits ").append(l0Exits()).append('\n');
        s.append(String.format(java.util.Locale.ROOT, "exit_multiplication %.3f%n", exitMultiplication()));
        for (WorldSwitch k : WorldSwitch.values()) {
            s.append("switches ").append(k).append(' ').append(switches(k)).append('\n');
        }
        s.append("guest_ns L2 ").append(l2GuestNs).append('\n');
        s.append("guest_ns L1 ").append(l1GuestNs).append('\n');
        s.append("baseline_episode_ns ").append(baselineEpisodeNs()).append('\n');
        s.append("idle_episodes ").append(idleEpisodes).append(" wait_ns ").append(idleWaitNs).append('\n');
        s.append("reflected_ns L0 ").append(reflectedL0Ns).append(" L1 ").append(reflectedL1Ns).append('\n');
        eventsByTracepoint.forEach((k, v) -> s.append("events ").append(k).append(' ').append(v).append('\n'));
        return s.toString();
    }
}
