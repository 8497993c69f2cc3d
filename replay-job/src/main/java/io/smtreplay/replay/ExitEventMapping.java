package io.smtreplay.replay;

import io.smtreplay.schemas.EventKindCode;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.IsaCode;
import io.smtreplay.schemas.NestedEntryFields;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.NestedEntry;
import io.smtreplay.trace.TraceEvent;

/** TEMPORARY until branch ingest's io.smtreplay.ingest.ExitEventMapping lands: ExitEvent <-> TraceEvent. */
public final class ExitEventMapping {

    private ExitEventMapping() {
    }

    public static TraceEvent fromAvro(ExitEvent e) {
        Isa isa = Isa.valueOf(e.getIsa().name());
        ExitReason reason = e.getExitReasonCode() == null ? null
                : new ExitReason(isa, e.getExitReasonCode(), e.getExitReasonName(), e.getExitReasonFlags(),
                        e.getExitReasonKnown());
        NestedEntryFields n = e.getNestedEntry();
        return TraceEvent.builder(e.getTracepoint())
                .timestampNs(e.getTimestampNs() == null ? TraceEvent.NO_TIMESTAMP : e.getTimestampNs())
                .tid(e.getThreadId())
                .comm(e.getComm())
                .pcpu(e.getPcpu())
                .vcpu(e.getVcpu())
                .kind(EventKind.valueOf(e.getKind().name()))
                .isa(isa)
                .reason(reason)
                .guestRip(e.getGuestRip())
                .info1(e.getInfo1())
                .info2(e.getInfo2())
                .intrInfo(e.getIntrInfo())
                .errorCode(e.getErrorCode())
                .nestedEntry(n == null ? null : new NestedEntry(n.getRip(), n.getVmcb(), n.getNestedRip(),
                        n.getIntCtl(), n.getEventInj(), n.getTdpEnabled(), n.getGuestPgd()))
                .payload(e.getPayload())
                .build();
    }

    public static ExitEvent toAvro(TraceEvent t, String host, String app, String source, long sequence) {
        ExitReason r = t.reason();
        NestedEntry n = t.nestedEntry();
        return ExitEvent.newBuilder()
                .setHost(host).setApp(app).setThreadId(t.tid()).setComm(t.comm()).setPcpu(t.pcpu()).setVcpu(t.vcpu())
                .setTimestampNs(t.hasTimestamp() ? t.timestampNs() : null)
                .setTracepoint(t.tracepoint())
                .setKind(EventKindCode.valueOf(t.kind().name()))
                .setIsa(IsaCode.valueOf(t.isa().name()))
                .setExitReasonName(r == null ? null : r.name())
                .setExitReasonCode(r == null ? null : r.code())
                .setExitReasonFlags(r == null ? 0 : r.flags())
                .setExitReasonKnown(r == null || r.known())
                .setGuestRip(t.guestRip()).setInfo1(t.info1()).setInfo2(t.info2())
                .setIntrInfo(t.intrInfo()).setErrorCode(t.errorCode())
                .setNestedEntry(n == null ? null : new NestedEntryFields(n.rip(), n.vmcb(), n.nestedRip(), n.intCtl(),
                        n.eventInj(), n.tdpEnabled(), n.guestPgd()))
                .setPayload(t.payload())
                .setSource(source).setSequence(sequence)
                .build();
    }
}
