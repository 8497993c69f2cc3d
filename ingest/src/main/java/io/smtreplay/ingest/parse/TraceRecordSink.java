package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;

/** Receives, in file order, every event and every refused line of a source. */
public interface TraceRecordSink {
    void onEvent(ParsedEvent event);

    /**
     * The parser hands every event here first, as a view of the read buffer; the default makes
     * the whole event ({@link EventView#toParsedEvent()}) and passes it to {@link #onEvent}.
     * Consumers that need only the typed fields (kind, thread, time, reason) override this and
     * pay for no object per event. The view is valid only during the call.
     */
    default void onDecoded(EventView event) {
        onEvent(event.toParsedEvent());
    }

    /**
     * The binary decoder ({@link io.smtreplay.ingest.ftrace.EventDecoder}) hands every event here
     * first, as a reused view in the batch's column form; the default makes the whole event and
     * passes it to {@link #onEvent}. A consumer that writes batches copies the view's row and makes
     * no object per event. The view is valid only during the call.
     */
    default void onDecoded(io.smtreplay.ingest.ftrace.RecordView event) {
        onEvent(event.toParsedEvent());
    }

    void onRefused(RefusedLine refused);

    /**
     * The tracer lost events here (its ring buffer overran); called right after the marker line
     * was refused as {@link RefusalReason#EVENTS_LOST}. Consumers that reconstruct sequences
     * must stop trusting what is open on that CPU; the default ignores it.
     */
    default void onEventsLost(EventsLost lost) {
    }
}
