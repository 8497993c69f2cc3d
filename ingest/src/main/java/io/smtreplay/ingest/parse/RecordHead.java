package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

/**
 * The start of a trace record on one line: the tool's prefix (comm, thread, CPU, timestamp) and the
 * event name, or only the event name for lines whose prefix the author stripped.
 *
 * @param format   the tool format the prefix shows; null for event-only lines
 * @param system   the tracepoint system when printed ({@code kvm} in perf script), else null
 * @param event    the event name; null when the line ends right after the timestamp (the record
 *                 was wrapped and its event is on the next line)
 * @param complete false when the event token had no ':' (a line cut off inside the record)
 * @param payload  the text after {@code event:}, trimmed; empty when the payload is on the next line(s)
 */
record RecordHead(String comm, int tid, int cpu, long timestampNs, TraceFormat format,
                  String system, String event, boolean complete, String payload) {

    static RecordHead eventOnly(String system, String event, String payload) {
        return new RecordHead(null, TraceEvent.NO_TID, -1, TraceEvent.NO_TIMESTAMP, null, system, event, true, payload);
    }

    boolean hasPrefix() {
        return format != null;
    }

    RecordHead withEvent(String newSystem, String newEvent, boolean newComplete, String newPayload) {
        return new RecordHead(comm, tid, cpu, timestampNs, format, newSystem, newEvent, newComplete, newPayload);
    }

    RecordHead withFormat(TraceFormat newFormat) {
        return new RecordHead(comm, tid, cpu, timestampNs, newFormat, system, event, complete, payload);
    }

    RecordHead withPayload(String newPayload) {
        return new RecordHead(comm, tid, cpu, timestampNs, format, system, event, complete, newPayload);
    }
}
