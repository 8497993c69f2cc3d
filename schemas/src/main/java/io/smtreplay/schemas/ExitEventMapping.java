package io.smtreplay.schemas;

import io.smtreplay.trace.Labels;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;

/**
 * The one mapping between the core-model {@link TraceEvent} and the Avro {@link ExitEvent} on the
 * wire (and from a {@link RefusedLine} to the dead-letter {@link RejectedLine}). Lossless both
 * ways for every field the model has: {@code fromAvro(toAvro(e)).equals(e.event())}.
 */
public final class ExitEventMapping {

    private ExitEventMapping() {
    }

    public static ExitEvent toAvro(ParsedEvent parsed, Labels labels) {
        TraceEvent e = parsed.event();
        ExitReason reason = e.reason();
        // the record's own setters, not its Builder: the Builder validates every field and looks up
        // defaults on each build(), 28 % of the agent's CPU samples (BENCHMARKS.md, issue 12)
        ExitEvent a = new ExitEvent();
        a.setHost(labels.host());
        a.setVm(labels.vm());
        a.setApp(labels.app());
        a.setThreadId(e.tid());
        a.setComm(e.comm());
        a.setPcpu(e.pcpu());
        a.setVcpu(e.vcpu());
        a.setTimestampNs(e.hasTimestamp() ? e.timestampNs() : null);
        a.setTracepoint(e.tracepoint());
        a.setKind(EventKindCode.valueOf(e.kind().name()));
        a.setIsa(IsaCode.valueOf(e.isa().name()));
        a.setExitReasonName(reason == null ? null : reason.name());
        a.setExitReasonCode(reason == null ? null : reason.code());
        a.setExitReasonFlags(reason == null ? 0 : reason.flags());
        a.setExitReasonKnown(reason == null || reason.known());
        a.setGuestRip(e.guestRip());
        a.setInfo1(e.info1());
        a.setInfo2(e.info2());
        a.setIntrInfo(e.intrInfo());
        a.setErrorCode(e.errorCode());
        a.setNestedEntry(NestedEntries.toWire(e.nestedEntry()));
        a.setPayload(e.payload());
        a.setSource(parsed.source());
        a.setSequence(parsed.sequence());
        a.setLineNumber(parsed.lineNumber());
        a.setWokenThread(e.wokenThread());
        return a;
    }

    /**
     * The agent's mark that events of vCPU thread {@code tid} may be missing at {@code timestampNs}:
     * the ring buffer of the CPU it last ran on ({@code pcpu}, -1 unknown) lost {@code count} events
     * (0: an unknown number). Keyed and ordered as that thread's events ({@link #partitionKey}),
     * so the replay job closes the thread's open episode as the offline tracker does. Sequence -1:
     * it is no event of the source, and sorts before events of the same timestamp.
     */
    public static ExitEvent eventsLostMark(Labels labels, int tid, int pcpu, long timestampNs, long count, String source,
                                           long lineNumber) {
        return ExitEvent.newBuilder()
                .setHost(labels.host()).setVm(labels.vm()).setApp(labels.app())
                .setThreadId(tid).setPcpu(pcpu).setTimestampNs(timestampNs)
                .setTracepoint("events_lost").setKind(EventKindCode.EVENTS_LOST).setIsa(IsaCode.UNKNOWN)
                .setPayload(count > 0 ? "LOST " + count + " EVENTS on CPU " + pcpu : "LOST EVENTS on CPU " + pcpu)
                .setSource(source).setSequence(-1).setLineNumber(lineNumber)
                .build();
    }

    /** True for an {@link #eventsLostMark}: not a trace event, {@link #fromAvro} refuses it. */
    public static boolean isEventsLost(ExitEvent a) {
        return a.getKind() == EventKindCode.EVENTS_LOST;
    }

    public static TraceEvent fromAvro(ExitEvent a) {
        if (isEventsLost(a)) {
            throw new IllegalArgumentException("an events-lost mark is not a trace event (" + a.getPayload() + ")");
        }
        Isa isa = Isa.valueOf(a.getIsa().name());
        ExitReason reason = null;
        if (a.getExitReasonName() != null) {
            // the reason's own ISA is the event's: the builder copies it, so keep them together
            reason = new ExitReason(isa, a.getExitReasonCode() == null ? -1 : a.getExitReasonCode(),
                    a.getExitReasonName(), a.getExitReasonFlags(), a.getExitReasonKnown());
        }
        return TraceEvent.builder(a.getTracepoint())
                .timestampNs(a.getTimestampNs() == null ? TraceEvent.NO_TIMESTAMP : a.getTimestampNs())
                .tid(a.getThreadId())
                .comm(a.getComm())
                .pcpu(a.getPcpu())
                .vcpu(a.getVcpu())
                .kind(EventKind.valueOf(a.getKind().name()))
                .isa(isa)
                .reason(reason)
                .guestRip(a.getGuestRip())
                .info1(a.getInfo1())
                .info2(a.getInfo2())
                .intrInfo(a.getIntrInfo())
                .errorCode(a.getErrorCode())
                .nestedEntry(NestedEntries.toModel(a.getNestedEntry()))
                .payload(a.getPayload())
                .wokenThread(a.getWokenThread())
                .build();
    }

    public static RejectedLine toAvro(RefusedLine r, Labels labels) {
        return RejectedLine.newBuilder()
                .setHost(labels == null ? null : labels.host())
                .setApp(labels == null ? null : labels.app())
                .setSource(r.source())
                .setLineNumber(r.lineNumber())
                .setStage(r.reason().stage().code())
                .setReason(r.reason().code())
                .setDetail(r.detail())
                .setLine(r.text())
                .build();
    }

    /** host + "/" + threadId: one partition per vCPU thread, so each vCPU's events stay in order. */
    public static String partitionKey(ExitEvent e) {
        return e.getHost() + "/" + e.getThreadId();
    }
}
