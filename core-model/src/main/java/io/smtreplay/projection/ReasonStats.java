package io.smtreplay.projection;

import org.HdrHistogram.Histogram;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The complete episodes of one type and outer reason: counts, time, and latency distributions
 * baseline and per configuration (HdrHistogram, 3 significant digits, auto-resizing so an
 * unused distribution stays small).
 */
public final class ReasonStats implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int SIGNIFICANT_DIGITS = 3;

    private long episodes;
    private long trapsIntoL0;
    private long baselineNs;
    private final long[] projectedNs;
    private final Histogram baselineLatency;
    private final Histogram[] projectedLatency;

    ReasonStats(int configurations) {
        projectedNs = new long[configurations];
        baselineLatency = histogram();
        projectedLatency = new Histogram[configurations];
        for (int i = 0; i < configurations; i++) {
            projectedLatency[i] = histogram();
        }
    }

    private static Histogram histogram() {
        Histogram h = new Histogram(SIGNIFICANT_DIGITS);
        h.setAutoResize(true);
        return h;
    }

    void add(long baseline, long[] projected, int traps) {
        episodes++;
        trapsIntoL0 += traps;
        baselineNs += baseline;
        baselineLatency.recordValue(baseline);
        for (int i = 0; i < projectedNs.length; i++) {
            projectedNs[i] += projected[i];
            projectedLatency[i].recordValue(projected[i]);
        }
    }

    void merge(ReasonStats other) {
        episodes += other.episodes;
        trapsIntoL0 += other.trapsIntoL0;
        baselineNs += other.baselineNs;
        baselineLatency.add(other.baselineLatency);
        for (int i = 0; i < projectedNs.length; i++) {
            projectedNs[i] += other.projectedNs[i];
            projectedLatency[i].add(other.projectedLatency[i]);
        }
    }

    public long episodes() {
        return episodes;
    }

    /** Traps into L0 these episodes made (their exit plus L1's traps inside reflected ones). */
    public long trapsIntoL0() {
        return trapsIntoL0;
    }

    public long baselineNs() {
        return baselineNs;
    }

    public long projectedNs(int index) {
        return projectedNs[index];
    }

    /** Σ baseline − Σ projected on configuration {@code index}: the time it saves. */
    public long savedNs(int index) {
        return baselineNs - projectedNs[index];
    }

    /** Latency distribution of the episodes' busy time today (read-only use, please). */
    public Histogram baselineLatency() {
        return baselineLatency;
    }

    public Histogram projectedLatency(int index) {
        return projectedLatency[index];
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ReasonStats r) || episodes != r.episodes || trapsIntoL0 != r.trapsIntoL0
                || baselineNs != r.baselineNs || !Arrays.equals(projectedNs, r.projectedNs)
                || !baselineLatency.equals(r.baselineLatency)) {
            return false;
        }
        return Arrays.equals(projectedLatency, r.projectedLatency);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(baselineNs) * 31 + Long.hashCode(episodes);
    }
}
