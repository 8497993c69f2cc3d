package io.smtreplay.schemas;

import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.NestedEntry;

/**
 * One event's values as the columns of an {@link ExitEventBatch} hold them: an {@link ExitEvent}
 * without the object per event. A decoder fills one row per record and hands it to
 * {@link ExitEventBatchBuilder#add(EventRow)}, which copies it into its columns; the row is then
 * reused for the next record (no allocation, no boxing of the optional numbers). Optional values
 * are a primitive plus a presence bit. Not thread-safe.
 */
public final class EventRow {
    static final int GUEST_RIP = 1;
    static final int INFO1 = 1 << 1;
    static final int INFO2 = 1 << 2;
    static final int INTR_INFO = 1 << 3;
    static final int ERROR_CODE = 1 << 4;
    static final int NESTED_ENTRY = 1 << 5;
    static final int GUEST_PGD = 1 << 6;
    static final int WOKEN_THREAD = 1 << 7;
    static final int REASON_CODE = 1 << 8;

    String host;
    String vm;
    String app;
    String source;
    int threadId;
    /** False: no timestamp (such an event is never batched). */
    boolean hasTimestamp;
    long timestampNs;
    long sequence;
    long lineNumber;
    String kind;
    String isa;
    String tracepoint;
    String comm;
    int pcpu;
    int vcpu;
    /** Null: no exit reason. */
    String reasonName;
    long reasonCode;
    long reasonFlags;
    boolean reasonKnown;
    int present;
    long guestRip;
    long info1;
    long info2;
    long intrInfo;
    long errorCode;
    long nestedRip;
    long nestedVmcb;
    long nestedNestedRip;
    long nestedIntCtl;
    long nestedEventInj;
    boolean nestedTdp;
    long nestedGuestPgd;
    String payload;
    int wokenThread;

    /** Forgets the previous event's optional values; the mandatory ones are set by the caller. */
    public EventRow clear() {
        present = 0;
        hasTimestamp = false;
        reasonName = null;
        comm = null;
        payload = "";
        vcpu = -1;
        pcpu = -1;
        return this;
    }

    /** Who the event belongs to: its thread's labels. */
    public EventRow labels(String host, String vm, String app) {
        this.host = host;
        this.vm = vm;
        this.app = app;
        return this;
    }

    /** The file or capture the event was read from. */
    public EventRow source(String source) {
        this.source = source;
        return this;
    }

    public EventRow thread(int threadId, String comm) {
        this.threadId = threadId;
        this.comm = comm;
        return this;
    }

    public EventRow timestampNs(long ns) {
        this.hasTimestamp = true;
        this.timestampNs = ns;
        return this;
    }

    /** The record's ordinal among the source's events and among its records ("line"). */
    public EventRow position(long sequence, long lineNumber) {
        this.sequence = sequence;
        this.lineNumber = lineNumber;
        return this;
    }

    /**
     * @param kind the {@link EventKindCode} symbol's name; {@code isa} the {@link IsaCode} symbol's name
     */
    public EventRow what(String tracepoint, String kind, String isa) {
        this.tracepoint = tracepoint;
        this.kind = kind;
        this.isa = isa;
        return this;
    }

    public EventRow cpus(int pcpu, int vcpu) {
        this.pcpu = pcpu;
        this.vcpu = vcpu;
        return this;
    }

    public EventRow vcpu(int vcpu) {
        this.vcpu = vcpu;
        return this;
    }

    /** The exit reason as the wire carries it (its ISA is the event's). */
    public EventRow reason(ExitReason r) {
        reasonName = r.name();
        reasonCode = r.code();
        present |= REASON_CODE;
        reasonFlags = r.flags();
        reasonKnown = r.known();
        return this;
    }

    public EventRow guestRip(long v) {
        guestRip = v;
        present |= GUEST_RIP;
        return this;
    }

    public EventRow info1(long v) {
        info1 = v;
        present |= INFO1;
        return this;
    }

    public EventRow info2(long v) {
        info2 = v;
        present |= INFO2;
        return this;
    }

    public EventRow intrInfo(long v) {
        intrInfo = v;
        present |= INTR_INFO;
        return this;
    }

    public EventRow errorCode(long v) {
        errorCode = v;
        present |= ERROR_CODE;
        return this;
    }

    public EventRow nestedEntry(long rip, long vmcb, long nestedRip, long intCtl, long eventInj, boolean tdpEnabled) {
        this.nestedRip = rip;
        this.nestedVmcb = vmcb;
        this.nestedNestedRip = nestedRip;
        this.nestedIntCtl = intCtl;
        this.nestedEventInj = eventInj;
        this.nestedTdp = tdpEnabled;
        present |= NESTED_ENTRY;
        return this;
    }

    /** Only after {@link #nestedEntry}: the L1 page-table root, when the kernel traces it. */
    public EventRow nestedGuestPgd(long v) {
        nestedGuestPgd = v;
        present |= GUEST_PGD;
        return this;
    }

    public EventRow payload(String text) {
        this.payload = text;
        return this;
    }

    public EventRow wokenThread(int tid) {
        wokenThread = tid;
        present |= WOKEN_THREAD;
        return this;
    }

    public int threadId() {
        return threadId;
    }

    public int pcpu() {
        return pcpu;
    }

    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    public long timestampNs() {
        return timestampNs;
    }

    boolean has(int bit) {
        return (present & bit) != 0;
    }

    /** The nested-entry context as the model holds it, or null. */
    public NestedEntry nestedEntry() {
        return has(NESTED_ENTRY) ? new NestedEntry(nestedRip, nestedVmcb, nestedNestedRip, nestedIntCtl, nestedEventInj,
                nestedTdp, has(GUEST_PGD) ? nestedGuestPgd : null) : null;
    }

    public String comm() {
        return comm;
    }

    public int vcpu() {
        return vcpu;
    }

    public String payload() {
        return payload;
    }

    /** The optional values, boxed: for the model's event object, not for the columns. */
    public Long guestRip() {
        return has(GUEST_RIP) ? guestRip : null;
    }

    public Long info1() {
        return has(INFO1) ? info1 : null;
    }

    public Long info2() {
        return has(INFO2) ? info2 : null;
    }

    public Long intrInfo() {
        return has(INTR_INFO) ? intrInfo : null;
    }

    public Long errorCode() {
        return has(ERROR_CODE) ? errorCode : null;
    }

    public Integer wokenThread() {
        return has(WOKEN_THREAD) ? wokenThread : null;
    }

    public String host() {
        return host;
    }

    /** This row holding {@code e}'s values (the per-event record path into the same columns). */
    public EventRow from(ExitEvent e) {
        clear();
        labels(e.getHost(), e.getVm(), e.getApp()).source(e.getSource());
        thread(e.getThreadId(), e.getComm());
        hasTimestamp = e.getTimestampNs() != null;
        timestampNs = hasTimestamp ? e.getTimestampNs() : 0;
        position(e.getSequence(), e.getLineNumber());
        what(e.getTracepoint(), e.getKind().name(), e.getIsa().name());
        cpus(e.getPcpu(), e.getVcpu());
        if (e.getExitReasonName() != null) {
            reasonName = e.getExitReasonName();
            if (e.getExitReasonCode() != null) {
                reasonCode = e.getExitReasonCode();
                present |= REASON_CODE;
            }
            reasonFlags = e.getExitReasonFlags();
            reasonKnown = e.getExitReasonKnown();
        }
        if (e.getGuestRip() != null) {
            guestRip(e.getGuestRip());
        }
        if (e.getInfo1() != null) {
            info1(e.getInfo1());
        }
        if (e.getInfo2() != null) {
            info2(e.getInfo2());
        }
        if (e.getIntrInfo() != null) {
            intrInfo(e.getIntrInfo());
        }
        if (e.getErrorCode() != null) {
            errorCode(e.getErrorCode());
        }
        NestedEntryFields n = e.getNestedEntry();
        if (n != null) {
            nestedEntry(n.getRip(), n.getVmcb(), n.getNestedRip(), n.getIntCtl(), n.getEventInj(), n.getTdpEnabled());
            if (n.getGuestPgd() != null) {
                nestedGuestPgd(n.getGuestPgd());
            }
        }
        payload(e.getPayload());
        if (e.getWokenThread() != null) {
            wokenThread(e.getWokenThread());
        }
        return this;
    }

    /** The same event as one record (for the topic's single-event form). */
    public ExitEvent toExitEvent() {
        ExitEvent a = new ExitEvent();
        a.setHost(host);
        a.setVm(vm);
        a.setApp(app);
        a.setThreadId(threadId);
        a.setComm(comm);
        a.setPcpu(pcpu);
        a.setVcpu(vcpu);
        a.setTimestampNs(hasTimestamp ? timestampNs : null);
        a.setTracepoint(tracepoint);
        a.setKind(EventKindCode.valueOf(kind));
        a.setIsa(IsaCode.valueOf(isa));
        a.setExitReasonName(reasonName);
        a.setExitReasonCode(reasonName != null && has(REASON_CODE) ? reasonCode : null);
        a.setExitReasonFlags(reasonName == null ? 0 : reasonFlags);
        a.setExitReasonKnown(reasonName == null || reasonKnown);
        a.setGuestRip(has(GUEST_RIP) ? guestRip : null);
        a.setInfo1(has(INFO1) ? info1 : null);
        a.setInfo2(has(INFO2) ? info2 : null);
        a.setIntrInfo(has(INTR_INFO) ? intrInfo : null);
        a.setErrorCode(has(ERROR_CODE) ? errorCode : null);
        a.setNestedEntry(has(NESTED_ENTRY) ? NestedEntryFields.newBuilder().setRip(nestedRip).setVmcb(nestedVmcb)
                .setNestedRip(nestedNestedRip).setIntCtl(nestedIntCtl).setEventInj(nestedEventInj).setTdpEnabled(nestedTdp)
                .setGuestPgd(has(GUEST_PGD) ? nestedGuestPgd : null).build() : null);
        a.setPayload(payload);
        a.setSource(source);
        a.setSequence(sequence);
        a.setLineNumber(lineNumber);
        a.setWokenThread(has(WOKEN_THREAD) ? wokenThread : null);
        return a;
    }
}
