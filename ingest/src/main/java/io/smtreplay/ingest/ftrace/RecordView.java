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

    /** The whole event (what the text parsers give for the same record). */
    public ParsedEvent toParsedEvent() {
        return new ParsedEvent(source, lineNumber, sequence, toTraceEvent());
    }

    private TraceEvent toTraceEvent() {
        EventRow r = row;
        TraceEvent.Builder b = TraceEvent.builder(tracepoint)
                .timestampNs(r.timestampNs())
                .tid(r.threadId())
                .comm(r.comm())
                .pcpu(r.pcpu())
                .vcpu(r.vcpu())
                .kind(kind)
                .reason(reason)
                .isa(isa) // after the reason: the event's ISA is the one learnt so far, as the decoder set it
                .guestRip(r.guestRip())
                .info1(r.info1())
                .info2(r.info2())
                .intrInfo(r.intrInfo())
                .errorCode(r.errorCode())
                .nestedEntry(r.nestedEntry())
                .payload(r.payload())
                .wokenThread(r.wokenThread());
        return b.build();
    }
}
