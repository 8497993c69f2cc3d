package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

/**
 * What a tool printed in front of an event: thread, CPU, timestamp. {@code eventStart} is the
 * index in the line where the event name (or, for a header-only line, nothing) begins.
 */
record RecordPrefix(String comm, int tid, int pcpu, long timestampNs, TraceFormat format, int eventStart) {

    /** An event-only line (prefix stripped by the author): no thread, CPU or time. */
    static RecordPrefix none(int eventStart) {
        return new RecordPrefix(null, TraceEvent.NO_TID, -1, TraceEvent.NO_TIMESTAMP, null, eventStart);
    }

    boolean hasPrefix() {
        return format != null;
    }
}
