package io.smtreplay.projection;

import org.HdrHistogram.Histogram;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The complete episodes of one type and outer reason: counts, time, and latency distributions
 * baseline and per configuration (HdrHistogram, 3 significant digits, auto-resizing so an
 * unused distribution stays small).
 *
 * <p>Serialized through {@link SerializedForm}: the histograms in HdrHistogram's own encoding,
 * not their whole counts arrays (one 10 ms window's projection: 570 KB before, 3.4 KB after).
 */
public final class ReasonStats implements Serializable {

    // 2: written as a SerializedForm (encoded histograms); 1 wrote the counts arrays, ~570 KB a window
    @Serial
    private static final long serialVersionUID = 2L;
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

    private ReasonStats(long episodes, long trapsIntoL0, long baselineNs, long[] projectedNs,
                        Histogram baselineLatency, Histogram[] projectedLatency) {
        this.episodes = episodes;
        this.trapsIntoL0 = trapsIntoL0;
        this.baselineNs = baselineNs;
        this.projectedNs = projectedNs;
        this.baselineLatency = baselineLatency;
        this.projectedLatency = projectedLatency;
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

    // ---- serialization ----

    @Serial
    private Object writeReplace() {
        return new SerializedForm(this);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ReasonStats is read through its SerializedForm");
    }

    /**
     * What a {@link ReasonStats} serializes to: its sums, and each histogram in HdrHistogram's
     * encoding (counts as zig-zag LEB128 with runs of zeros collapsed), which keeps every count,
     * the range and the significant digits. Auto-resize is not in the encoding (HdrHistogram 2.2
     * turns it on when decoding; set again so the projection never depends on that).
     * The deflated variant ({@code encodeIntoCompressedByteBuffer}) is barely smaller for these
     * sparse histograms, costs a Deflater per histogram and leaves a scratch buffer of 9 bytes per
     * counts slot inside each live histogram.
     */
    private static final class SerializedForm implements Serializable {

        @Serial
        private static final long serialVersionUID = 1L;

        private final long episodes;
        private final long trapsIntoL0;
        private final long baselineNs;
        private final long[] projectedNs;
        private final byte[] baselineLatency;
        private final byte[][] projectedLatency;

        SerializedForm(ReasonStats stats) {
            episodes = stats.episodes;
            trapsIntoL0 = stats.trapsIntoL0;
            baselineNs = stats.baselineNs;
            projectedNs = stats.projectedNs.clone();
            ByteBuffer scratch = ByteBuffer.allocate(maxNeededCapacity(stats));
            baselineLatency = encode(stats.baselineLatency, scratch);
            projectedLatency = new byte[stats.projectedLatency.length][];
            for (int i = 0; i < projectedLatency.length; i++) {
                projectedLatency[i] = encode(stats.projectedLatency[i], scratch);
            }
        }

        private static int maxNeededCapacity(ReasonStats stats) {
            int max = stats.baselineLatency.getNeededByteBufferCapacity();
            for (Histogram h : stats.projectedLatency) {
                max = Math.max(max, h.getNeededByteBufferCapacity());
            }
            return max;
        }

        private static byte[] encode(Histogram histogram, ByteBuffer scratch) {
            scratch.clear();
            int length = histogram.encodeIntoByteBuffer(scratch);
            return Arrays.copyOf(scratch.array(), length);
        }

        private static Histogram decode(byte[] bytes) throws InvalidObjectException {
            try {
                Histogram h = Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 0);
                h.setAutoResize(true);
                return h;
            } catch (RuntimeException e) {
                InvalidObjectException invalid = new InvalidObjectException("bad latency histogram: " + e);
                invalid.initCause(e);
                throw invalid;
            }
        }

        @Serial
        private Object readResolve() throws InvalidObjectException {
            if (projectedNs == null || projectedLatency == null || baselineLatency == null
                    || projectedNs.length != projectedLatency.length) {
                throw new InvalidObjectException("ReasonStats with mismatched configuration slots");
            }
            Histogram[] projected = new Histogram[projectedLatency.length];
            for (int i = 0; i < projected.length; i++) {
                projected[i] = decode(projectedLatency[i]);
            }
            // the arrays were read for this object alone: no copy needed
            return new ReasonStats(episodes, trapsIntoL0, baselineNs, projectedNs, decode(baselineLatency),
                    projected);
        }
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
