package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

/**
 * What a tool printed in front of an event: thread, CPU, timestamp. {@code eventStart} is the
 * index in the line where the event name (or, for a header-only line, nothing) begins.
 * {@code timestampOutOfRange}: the timestamp is beyond what nanoseconds in a long hold (≥ 2^63 ns,
 * about 292 years); such a record is refused, and {@code timestampNs} is {@link TraceEvent#NO_TIMESTAMP}.
 */
record RecordPrefix(String comm, int tid, int pcpu, long timestampNs, TraceFormat format, int eventStart,
                    boolean timestampOutOfRange) {

    /** An event-only line (prefix stripped by the author): no thread, CPU or time. */
    static RecordPrefix none(int eventStart) {
        return new RecordPrefix(null, TraceEvent.NO_TID, -1, TraceEvent.NO_TIMESTAMP, null, eventStart, false);
    }

    boolean hasPrefix() {
        return format != null;
    }
}
