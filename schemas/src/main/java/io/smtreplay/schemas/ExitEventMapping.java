package io.smtreplay.schemas;

import io.smtreplay.trace.Labels;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.NestedEntry;
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
        NestedEntry n = e.nestedEntry();
        return ExitEvent.newBuilder()
                .setHost(labels.host())
                .setVm(labels.vm())
                .setApp(labels.app())
                .setThreadId(e.tid())
                .setComm(e.comm())
                .setPcpu(e.pcpu())
                .setVcpu(e.vcpu())
                .setTimestampNs(e.hasTimestamp() ? e.timestampNs() : null)
                .setTracepoint(e.tracepoint())
                .setKind(EventKindCode.valueOf(e.kind().name()))
                .setIsa(IsaCode.valueOf(e.isa().name()))
                .setExitReasonName(reason == null ? null : reason.name())
                .setExitReasonCode(reason == null ? null : reason.code())
                .setExitReasonFlags(reason == null ? 0 : reason.flags())
                .setExitReasonKnown(reason == null || reason.known())
                .setGuestRip(e.guestRip())
                .setInfo1(e.info1())
                .setInfo2(e.info2())
                .setIntrInfo(e.intrInfo())
                .setErrorCode(e.errorCode())
                .setNestedEntry(n == null ? null : NestedEntryFields.newBuilder()
                        .setRip(n.rip()).setVmcb(n.vmcb()).setNestedRip(n.nestedRip())
                        .setIntCtl(n.intCtl()).setEventInj(n.eventInj())
                        .setTdpEnabled(n.tdpEnabled()).setGuestPgd(n.guestPgd())
                        .build())
                .setPayload(e.payload())
                .setSource(parsed.source())
                .setSequence(parsed.sequence())
                .setLineNumber(parsed.lineNumber())
                .setWokenThread(e.wokenThread())
                .build();
    }

    public static TraceEvent fromAvro(ExitEvent a) {
        Isa isa = Isa.valueOf(a.getIsa().name());
        ExitReason reason = null;
        if (a.getExitReasonName() != null) {
            // the reason's own ISA is the event's: the builder copies it, so keep them together
            reason = new ExitReason(isa, a.getExitReasonCode() == null ? -1 : a.getExitReasonCode(),
                    a.getExitReasonName(), a.getExitReasonFlags(), a.getExitReasonKnown());
        }
        NestedEntryFields n = a.getNestedEntry();
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
                .nestedEntry(n == null ? null : new NestedEntry(n.getRip(), n.getVmcb(), n.getNestedRip(),
                        n.getIntCtl(), n.getEventInj(), n.getTdpEnabled(), n.getGuestPgd()))
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
