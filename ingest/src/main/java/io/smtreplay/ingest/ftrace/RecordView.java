package io.smtreplay.ingest.ftrace;

import io.smtreplay.schemas.EventRow;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.TraceEvent;

/**
 * One ring-buffer record as {@link EventDecoder} decoded it: the values in the batch's column
 * form ({@link #row()}, labels left for the consumer to set) plus the model's objects the decoder
 * had at hand. Reused record after record, valid only during
 * {@link io.smtreplay.ingest.parse.TraceRecordSink#onDecoded(RecordView)}: a consumer that
 * writes batches copies the row ({@code ExitEventBatcher.add(EventRow)}) and makes no object per
 * event; the others get {@link #toParsedEvent()}.
 */
public final class RecordView {
    final EventRow row = new EventRow();
    String source;
    long lineNumber;
    long sequence;
    String tracepoint;
    EventKind kind;
    Isa isa;
    ExitReason reason;

    /** The event's values as the exits topic's batch columns hold them. */
    public EventRow row() {
        return row;
    }

    public int threadId() {
        return row.threadId();
    }

    public EventKind kind() {
        return kind;
    }

    /** The whole event (what the text parsers give for the same record). */
    public ParsedEvent toParsedEvent() {
        return new ParsedEvent(source, lineNumber, sequence, toTraceEvent());
    }

    /** Through the record's own constructor: the builder would look the kind up by name again, per event. */
    private TraceEvent toTraceEvent() {
        EventRow r = row;
        return new TraceEvent(r.timestampNs(), r.threadId(), r.comm(), r.pcpu(), r.vcpu(), tracepoint, kind, isa, reason,
                r.guestRip(), r.info1(), r.info2(), r.intrInfo(), r.errorCode(), r.nestedEntry(), r.payload(),
                r.wokenThread());
    }
}
