package io.smtreplay.replay.function;

import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.schemas.ExitBatchColumns;

/**
 * A batch's events decoded once and put in trace order (timestamp, then sequence; ties keep the
 * batch's order, as the per-event path's stable sort does). Immutable once built, so the copies
 * Flink's heap state may make of a waiting record can share it: the vCPU replay keeps it on the
 * record ({@link WireExit#decoded}) for every tick the batch spans, instead of decoding the batch
 * again at each.
 */
final class DecodedBatch {

    final ExitBatchColumns columns;
    /** Position -> event index; null when the batch is in trace order already (the common case). */
    private final int[] order;

    private DecodedBatch(ExitBatchColumns columns) {
        this.columns = columns;
        this.order = inTraceOrder(columns) ? null : sortedOrder(columns);
    }

    /**
     * The record's decoded batch, decoding it on first use.
     *
     * @throws io.smtreplay.schemas.WireCodec.WireFormatException when it does not decode
     */
    static DecodedBatch of(WireExit exit) {
        if (exit.decoded instanceof DecodedBatch d) {
            return d;
        }
        DecodedBatch d = new DecodedBatch(WireExit.batchReader().read(exit.message));
        exit.decoded = d;
        return d;
    }

    int size() {
        return columns.count();
    }

    /** The event index at trace-order position {@code position}. */
    int event(int position) {
        return order == null ? position : order[position];
    }

    long timestampAt(int position) {
        return columns.timestampNs(event(position));
    }

    long sequenceAt(int position) {
        return columns.sequence(event(position));
    }

    /** The first position whose timestamp is {@code ts} or later (size() if none). */
    int firstAtOrAfter(long ts) {
        int lo = 0;
        int hi = size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestampAt(mid) < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static boolean inTraceOrder(ExitBatchColumns c) {
        for (int i = 1; i < c.count(); i++) {
            if (compare(c, i - 1, i) > 0) {
                return false;
            }
        }
        return true;
    }

    private static int compare(ExitBatchColumns c, int a, int b) {
        int byTime = Long.compare(c.timestampNs(a), c.timestampNs(b));
        return byTime != 0 ? byTime : Long.compare(c.sequence(a), c.sequence(b));
    }

    /** A stable sort of the event indexes (insertion sort: batches out of order are nearly sorted). */
    private static int[] sortedOrder(ExitBatchColumns c) {
        int[] order = new int[c.count()];
        for (int i = 0; i < order.length; i++) {
            int e = i;
            int j = i - 1;
            while (j >= 0 && compare(c, order[j], e) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = e;
        }
        return order;
    }
}
