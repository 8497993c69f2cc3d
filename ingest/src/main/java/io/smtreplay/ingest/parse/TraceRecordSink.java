package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;

/** Receives, in file order, every event and every refused line of a source. */
public interface TraceRecordSink {
    void onEvent(ParsedEvent event);

    void onRefused(RefusedLine refused);

    /**
     * The tracer lost events here (its ring buffer overran); called right after the marker line
     * was refused as {@link RefusalReason#EVENTS_LOST}. Consumers that reconstruct sequences
     * must stop trusting what is open on that CPU; the default ignores it.
     */
    default void onEventsLost(EventsLost lost) {
    }
}
