package io.smtreplay.trace;

import java.util.Objects;

/**
 * One KVM tracepoint record from a host (L0) trace, whatever tool printed it.
 *
 * <p>The fields the model needs are typed; everything else the event printed stays in
 * {@link #payload()} verbatim. Optional numeric fields are {@code null} when the format did not
 * print them (e.g. {@code intrInfo} through libtraceevent's plugin, or every prefix field of an
 * event-only line pasted in a mail).
 *
 * @param timestampNs  trace clock in nanoseconds, parsed from the decimal text without floating
 *                     point; {@link #NO_TIMESTAMP} when the line had no timestamp
 * @param tid          the vCPU thread id (ftrace's PID column), {@link #NO_TID} when absent or {@code <...>} hid nothing
 * @param comm         the thread's command name ({@code CPU 0/KVM}, {@code qemu-system-x86}, {@code <...>}), or null
 * @param pcpu         the physical CPU column, -1 when absent
 * @param vcpu         the vCPU id printed by the event itself, -1 when not printed
 * @param tracepoint   the tracepoint name without system prefix ({@code kvm_exit})
 * @param kind         what the tracepoint means to the model
 * @param isa          the ISA, inferred from the reason naming (text formats do not print it)
 * @param reason       the exit reason of exit-like events, null for others
 * @param guestRip     the guest RIP printed by the event, null when absent
 * @param nestedEntry  the fields of kvm_nested_vmenter / kvm_nested_vmrun, null for other events
 * @param payload      the event's text after {@code tracepoint:}, trimmed, wrapped lines re-joined
 * @param wokenThread  the thread id the scheduler event makes run: the woken task's {@code pid} of
 *                     {@code sched_wakeup*}/{@code sched_waking}, {@code next_pid} of {@code sched_switch};
 *                     null for every other event
 */
public record TraceEvent(
        long timestampNs,
        int tid,
        String comm,
        int pcpu,
        int vcpu,
        String tracepoint,
        EventKind kind,
        Isa isa,
        ExitReason reason,
        Long guestRip,
        Long info1,
        Long info2,
        Long intrInfo,
        Long errorCode,
        NestedEntry nestedEntry,
        String payload,
        Integer wokenThread) {

    public static final long NO_TIMESTAMP = Long.MIN_VALUE;
    public static final int NO_TID = -1;

    public TraceEvent {
        Objects.requireNonNull(tracepoint, "tracepoint");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(isa, "isa");
        Objects.requireNonNull(payload, "payload");
    }

    public boolean hasTimestamp() {
        return timestampNs != NO_TIMESTAMP;
    }

    public boolean hasThread() {
        return tid != NO_TID;
    }

    /** A builder, since most events set only a few fields. */
    public static Builder builder(String tracepoint) {
        return new Builder(tracepoint);
    }

    public Builder toBuilder() {
        Builder b = new Builder(tracepoint);
        b.timestampNs = timestampNs;
        b.tid = tid;
        b.comm = comm;
        b.pcpu = pcpu;
        b.vcpu = vcpu;
        b.kind = kind;
        b.isa = isa;
        b.reason = reason;
        b.guestRip = guestRip;
        b.info1 = info1;
        b.info2 = info2;
        b.intrInfo = intrInfo;
        b.errorCode = errorCode;
        b.nestedEntry = nestedEntry;
        b.payload = payload;
        b.wokenThread = wokenThread;
        return b;
    }

    /** Mutable builder of {@link TraceEvent}; the kind defaults to the tracepoint's. */
    public static final class Builder {
        private final String tracepoint;
        private long timestampNs = NO_TIMESTAMP;
        private int tid = NO_TID;
        private String comm;
        private int pcpu = -1;
        private int vcpu = -1;
        private EventKind kind;
        private Isa isa = Isa.UNKNOWN;
        private ExitReason reason;
        private Long guestRip;
        private Long info1;
        private Long info2;
        private Long intrInfo;
        private Long errorCode;
        private NestedEntry nestedEntry;
        private String payload = "";
        private Integer wokenThread;

        private Builder(String tracepoint) {
            this.tracepoint = tracepoint;
            this.kind = EventKind.ofTracepoint(tracepoint);
        }

        public Builder timestampNs(long v) { this.timestampNs = v; return this; }
        public Builder tid(int v) { this.tid = v; return this; }
        public boolean hasThread() { return tid != NO_TID; }
        public Builder comm(String v) { this.comm = v; return this; }
        public Builder pcpu(int v) { this.pcpu = v; return this; }
        public Builder vcpu(int v) { this.vcpu = v; return this; }
        public Builder kind(EventKind v) { this.kind = v; return this; }
        public Builder isa(Isa v) { this.isa = v; return this; }
        public Builder reason(ExitReason v) {
            this.reason = v;
            if (v != null && v.isa() != Isa.UNKNOWN) {
                this.isa = v.isa();
            }
            return this;
        }
        public Builder guestRip(Long v) { this.guestRip = v; return this; }
        public Builder info1(Long v) { this.info1 = v; return this; }
        public Builder info2(Long v) { this.info2 = v; return this; }
        public Builder intrInfo(Long v) { this.intrInfo = v; return this; }
        public Builder errorCode(Long v) { this.errorCode = v; return this; }
        public Builder nestedEntry(NestedEntry v) { this.nestedEntry = v; return this; }
        public Builder payload(String v) { this.payload = v; return this; }
        public Builder wokenThread(Integer v) { this.wokenThread = v; return this; }

        public TraceEvent build() {
            return new TraceEvent(timestampNs, tid, comm, pcpu, vcpu, tracepoint, kind, isa, reason,
                    guestRip, info1, info2, intrInfo, errorCode, nestedEntry, payload, wokenThread);
        }
    }
}
