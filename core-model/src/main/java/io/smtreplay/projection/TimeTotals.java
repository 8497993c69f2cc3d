package io.smtreplay.projection;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Guest time, idle waiting, and baseline and projected episode time (one slot per
 * configuration) of an app or of one vCPU thread. Nanoseconds.
 */
public final class TimeTotals implements Serializable {

    private static final long serialVersionUID = 1L;

    private long guestL1Ns;
    private long guestL2Ns;
    private long waitNs;
    private long episodes;
    private long baselineNs;
    private final long[] projectedNs;

    TimeTotals(int configurations) {
        this.projectedNs = new long[configurations];
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
        }
    }

    void merge(TimeTotals other) {
        guestL1Ns += other.guestL1Ns;
        guestL2Ns += other.guestL2Ns;
        waitNs += other.waitNs;
        episodes += other.episodes;
        baselineNs += other.baselineNs;
        for (int i = 0; i < projectedNs.length; i++) {
            projectedNs[i] += other.projectedNs[i];
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

    /** Waiting inside idle exits: neither guest time nor overhead, left out of the speedup. */
    public long waitNs() {
        return waitNs;
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

    /** (guest + Σ baseline) / (guest + Σ projected); 1 when there is no time at all. */
    public double speedup(int index) {
        long before = guestNs() + baselineNs;
        long after = guestNs() + projectedNs[index];
        if (before == 0 && after == 0) {
            return 1.0;
        }
        return (double) before / after;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeTotals t && guestL1Ns == t.guestL1Ns && guestL2Ns == t.guestL2Ns
                && waitNs == t.waitNs && episodes == t.episodes && baselineNs == t.baselineNs
                && Arrays.equals(projectedNs, t.projectedNs);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(baselineNs) * 31 + Arrays.hashCode(projectedNs);
    }

    @Override
    public String toString() {
        return "guest " + guestNs() + " ns, wait " + waitNs + " ns, " + episodes + " episodes, baseline "
                + baselineNs + " ns, projected " + Arrays.toString(projectedNs);
    }
}
