package io.smtreplay.replay.function;

import io.smtreplay.projection.HostReplay;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.schemas.ExitBatchColumns;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.trace.TraceEvent;
import java.util.function.Consumer;

/**
 * The events one waiting record contributes to a release tick, in trace order, with a cursor:
 * a single event, or the part of a batch inside the tick, fed to the tracker from the batch's
 * columns (no object per event; a wake-up's payload is read only for the few events that have one).
 * {@link HostReplayFunction} merges a tick's runs, of all a host's threads, by {@link #before}.
 */
abstract class TickRun {

    final WireExit exit;
    /** Arrival order within the tick: the tie-break of equal (timestamp, sequence). */
    private final int arrival;
    /** The timestamp of the last event replayed from this run, MIN_VALUE before the first. */
    private long lastReplayedNs = Long.MIN_VALUE;

    private TickRun(WireExit exit, int arrival) {
        this.exit = exit;
        this.arrival = arrival;
    }

    /**
     * The run of {@code exit} over the tick {@code [tickStart, tickEnd]}, or null after refusing a
     * record that does not decode.
     */
    static TickRun of(WireExit exit, int arrival, long tickStart, long tickEnd, Refuser refuser,
                      Consumer<RejectedLine> refused) {
        if (!exit.isBatch()) {
            ExitEvent event = refuser.decodeOrRefuse(exit, refused);
            return event == null ? null : new Single(exit, arrival, event);
        }
        try {
            return new OfBatch(exit, arrival, DecodedBatch.of(exit), tickStart, tickEnd);
        } catch (WireCodec.WireFormatException e) {
            refuser.refuse(io.smtreplay.replay.wire.ExitEventRecordDeserializer.undecodable(exit.origin(), e, exit.message),
                    refused);
            return null;
        }
    }

    abstract boolean hasNext();

    abstract long timestampNs();

    abstract long sequence();

    /** Feeds the current event to the host's replay and moves on. */
    final void replayInto(HostReplay replay, HostReplay.Recording into) {
        lastReplayedNs = timestampNs();
        replayCurrent(replay, into);
    }

    abstract void replayCurrent(HostReplay replay, HostReplay.Recording into);

    /** The timestamp of the last event this run replayed, {@link Long#MIN_VALUE} when none. */
    long lastReplayedNs() {
        return lastReplayedNs;
    }

    /** True when the current event is the capture agent's events-lost mark, not a trace event. */
    abstract boolean atEventsLost();

    /** Moves past the current event without replaying it (an events-lost mark, handled by the caller). */
    abstract void skip();

    /** The timestamp of the record's first event after this tick, or {@link Long#MIN_VALUE} when none. */
    abstract long nextTimestampNs();

    /** True when this run's current event comes before {@code other}'s in trace order. */
    boolean before(TickRun other) {
        int byTime = Long.compare(timestampNs(), other.timestampNs());
        if (byTime != 0) {
            return byTime < 0;
        }
        int bySequence = Long.compare(sequence(), other.sequence());
        return bySequence != 0 ? bySequence < 0 : arrival < other.arrival;
    }

    private static final class Single extends TickRun {
        private final ExitEvent event;
        private boolean done;

        Single(WireExit exit, int arrival, ExitEvent event) {
            super(exit, arrival);
            this.event = event;
        }

        @Override
        boolean hasNext() {
            return !done;
        }

        @Override
        long timestampNs() {
            return event.getTimestampNs();
        }

        @Override
        long sequence() {
            return event.getSequence();
        }

        @Override
        void replayCurrent(HostReplay replay, HostReplay.Recording into) {
            TraceEvent e = ExitEventMapping.fromAvro(event);
            replay.accept(event.getApp(), event.getVm(), e, into);
            done = true;
        }

        @Override
        boolean atEventsLost() {
            return ExitEventMapping.isEventsLost(event);
        }

        @Override
        void skip() {
            done = true;
        }

        @Override
        long nextTimestampNs() {
            return Long.MIN_VALUE;
        }
    }

    private static final class OfBatch extends TickRun {
        private final DecodedBatch batch;
        private final ExitBatchColumns columns;
        private int position;
        /** The first position after the tick. */
        private final int end;

        OfBatch(WireExit exit, int arrival, DecodedBatch batch, long tickStart, long tickEnd) {
            super(exit, arrival);
            this.batch = batch;
            this.columns = batch.columns;
            // the batch waits at the tick of its first event not yet replayed: earlier ones were
            this.position = batch.firstAtOrAfter(tickStart);
            this.end = tickEnd == Long.MAX_VALUE ? batch.size() : batch.firstAtOrAfter(tickEnd + 1);
        }

        @Override
        boolean hasNext() {
            return position < end;
        }

        @Override
        long timestampNs() {
            return batch.timestampAt(position);
        }

        @Override
        long sequence() {
            return batch.sequenceAt(position);
        }

        @Override
        void replayCurrent(HostReplay replay, HostReplay.Recording into) {
            int i = batch.event(position++);
            replay.accept(columns.threadId(), columns.app(), columns.vm(), columns.kind(i), columns.timestampNs(i),
                    columns.reason(i), columns.hasNestedEntry(i), columns.nestedVmcb(i), columns.vcpu(i), columns.pcpu(i),
                    columns.tracepoint(i), columns.payload(i), columns.wokenThread(i), into);
        }

        @Override
        boolean atEventsLost() {
            return columns.isEventsLost(batch.event(position));
        }

        @Override
        void skip() {
            position++;
        }

        @Override
        long nextTimestampNs() {
            return end < batch.size() ? batch.timestampAt(end) : Long.MIN_VALUE;
        }
    }
}
