package io.smtreplay.projection;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Guest time, idle waiting, and baseline and projected episode time (one slot per
 * configuration) of an app or of one vCPU thread. Nanoseconds.
 *
 * <p>Two speedups come out, each named for what it measures:
 * <ul>
 *   <li>{@link #wallClockSpeedup wall-clock}: each vCPU's timeline is guest time + exit handling +
 *       waiting. Waits stay as observed unless a cause seen in L0's trace (another vCPU's or the
 *       backend's wake-up) shortened them ({@link #shortenWait}); the waits nobody explained are
 *       {@link #unexplainedWaitNs()}, held fixed, so the figure is then a lower bound;</li>
 *   <li>{@link #cpuTimeSpeedup CPU-time}: (guest + Σ busy) / (guest + Σ projected busy), waits
 *       left out — what consolidating CPU-bound work gains.</li>
 * </ul>
 */
public final class TimeTotals implements Serializable {

    private static final long serialVersionUID = 1L;

    private long guestL1Ns;
    private long guestL2Ns;
    private long waitNs;
    private long episodes;
    private long baselineNs;
    private final long[] projectedNs;
    /** Waiting as projected: the observed waits, less what their causes' critical paths save. */
    private final long[] projectedWaitNs;
    /** Waits whose cause the trace showed (another thread's wake-up of this vCPU). */
    private long explainedWaitNs;

    TimeTotals(int configurations) {
        this.projectedNs = new long[configurations];
        this.projectedWaitNs = new long[configurations];
    }

    void addGuest(boolean l2, long ns) {
        if (l2) {
            guestL2Ns += ns;
        } else {
            guestL1Ns += ns;
        }
    }

    void addEpisode(long baseline, long[] projected, long wait) {
        episodes++;
        baselineNs += baseline;
        waitNs += wait;
        for (int i = 0; i < projectedNs.length; i++) {
            projectedNs[i] += projected[i];
            projectedWaitNs[i] += wait;
        }
    }

    /**
     * A wait of {@code waitNs} whose cause the trace shows: it shrinks by what the cause's
     * critical path saves on each configuration ({@code savedNs}, at most the wait).
     */
    void shortenWait(long waitNs, long[] savedNs) {
        explainedWaitNs += waitNs;
        for (int i = 0; i < projectedWaitNs.length; i++) {
            projectedWaitNs[i] -= Math.max(0, Math.min(waitNs, savedNs[i]));
        }
    }

    void merge(TimeTotals other) {
        guestL1Ns += other.guestL1Ns;
        guestL2Ns += other.guestL2Ns;
        waitNs += other.waitNs;
        episodes += other.episodes;
        baselineNs += other.baselineNs;
        explainedWaitNs += other.explainedWaitNs;
        for (int i = 0; i < projectedNs.length; i++) {
            projectedNs[i] += other.projectedNs[i];
            projectedWaitNs[i] += other.projectedWaitNs[i];
        }
    }

    /** Time guest code ran between episodes, both levels. */
    public long guestNs() {
        return guestL1Ns + guestL2Ns;
    }

    public long guestL1Ns() {
        return guestL1Ns;
    }

    public long guestL2Ns() {
        return guestL2Ns;
    }

    /** Waiting inside idle exits: neither guest time nor overhead, left out of the CPU-time speedup. */
    public long waitNs() {
        return waitNs;
    }

    /** Waits whose cause the trace showed (and that may shrink). */
    public long explainedWaitNs() {
        return explainedWaitNs;
    }

    /** Waits with no visible cause: held fixed in the wall-clock projection. */
    public long unexplainedWaitNs() {
        return waitNs - explainedWaitNs;
    }

    /** Waiting projected on configuration number {@code index}. */
    public long projectedWaitNs(int index) {
        return projectedWaitNs[index];
    }

    /** Σ vCPU timelines as observed: guest + exit handling + waiting. */
    public long wallNs() {
        return guestNs() + baselineNs + waitNs;
    }

    /** Σ vCPU timelines projected on configuration number {@code index}. */
    public long projectedWallNs(int index) {
        return guestNs() + projectedNs[index] + projectedWaitNs[index];
    }

    /** Share of the observed wall time in waits no cause explained (held fixed: the speedup is a lower bound). */
    public double unexplainedWaitShare() {
        long wall = wallNs();
        return wall <= 0 ? 0 : (double) unexplainedWaitNs() / wall;
    }

    /** Σ observed vCPU timelines / Σ projected ones; 1 when there is no time at all. */
    public double wallClockSpeedup(int index) {
        return ratio(wallNs(), projectedWallNs(index));
    }

    /** Complete episodes counted in these totals. */
    public long episodes() {
        return episodes;
    }

    /** Σ busy time of the episodes as observed (the baseline configuration). */
    public long baselineNs() {
        return baselineNs;
    }

    /** Σ busy time of the episodes projected on configuration number {@code index}. */
    public long projectedNs(int index) {
        return projectedNs[index];
    }

    /** (guest + Σ baseline) / (guest + Σ projected), waits left out; 1 when there is no time at all. */
    public double cpuTimeSpeedup(int index) {
        return ratio(guestNs() + baselineNs, guestNs() + projectedNs[index]);
    }

    private static double ratio(long before, long after) {
        if (before == 0 && after == 0) {
            return 1.0;
        }
        return (double) before / after;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeTotals t && guestL1Ns == t.guestL1Ns && guestL2Ns == t.guestL2Ns
                && waitNs == t.waitNs && episodes == t.episodes && baselineNs == t.baselineNs
                && Arrays.equals(projectedNs, t.projectedNs) && Arrays.equals(projectedWaitNs, t.projectedWaitNs)
                && explainedWaitNs == t.explainedWaitNs;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(baselineNs) * 31 + Arrays.hashCode(projectedNs);
    }

    @Override
    public String toString() {
        return "guest " + guestNs() + " ns, wait " + waitNs + " ns (explained " + explainedWaitNs + "), " + episodes + " episodes, baseline "
                + baselineNs + " ns, projected " + Arrays.toString(projectedNs);
    }
}
