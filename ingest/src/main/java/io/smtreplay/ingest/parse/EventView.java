package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.NestedEntry;
import io.smtreplay.trace.TraceEvent;
import java.nio.charset.StandardCharsets;

/**
 * The event just parsed, read in place: the fields the model and {@code stat} need are decoded,
 * the rest (comm, payload text) stays a slice of the read buffer until {@link #toParsedEvent()}
 * asks for it. Valid only during {@link TraceRecordSink#onDecoded}: the parser reuses the view and
 * the buffer for the next line.
 */
public final class EventView {
    private final String source;
    private final ByteKeyMap<String> comms;
    private ParsedEvent materialized;

    long lineNumber;
    long sequence;
    String tracepoint;
    EventKind kind;
    Isa isa;
    ExitReason reason;
    long timestampNs;
    int tid;
    int pcpu;
    int vcpu;
    byte[] buf;
    int commStart;
    int commEnd;
    int payloadStart;
    int payloadEnd;
    /** Bit i set: the i-th of guestRip, info1, info2, intrInfo, errorCode was printed. */
    int present;
    final long[] numbers = new long[5];
    /** A nested entry decoded in place: its fields beyond the guest rip (numbers[GUEST_RIP]). */
    private boolean nested;
    private long nestedVmcb;
    private long nestedRip;
    private long nestedIntCtl;
    private long nestedEventInj;
    private boolean nestedTdp;
    private Long nestedGuestPgd;

    static final int GUEST_RIP = 0;
    static final int INFO1 = 1;
    static final int INFO2 = 2;
    static final int INTR_INFO = 3;
    static final int ERROR_CODE = 4;

    EventView(String source, ByteKeyMap<String> comms) {
        this.source = source;
        this.comms = comms;
    }

    /** The view of an event the slow path built whole. */
    void wrap(ParsedEvent parsed) {
        TraceEvent e = parsed.event();
        materialized = parsed;
        lineNumber = parsed.lineNumber();
        sequence = parsed.sequence();
        tracepoint = e.tracepoint();
        kind = e.kind();
        isa = e.isa();
        reason = e.reason();
        timestampNs = e.timestampNs();
        tid = e.tid();
        pcpu = e.pcpu();
        vcpu = e.vcpu();
    }

    /** Starts a view decoded in place; the decoder fills the fields. */
    void reset(byte[] buf) {
        materialized = null;
        this.buf = buf;
        present = 0;
        reason = null;
        vcpu = -1;
        nested = false;
    }

    /** The fields of a nested entry ({@link NestedEntry}, its rip being the guest rip). */
    void nestedEntry(long vmcb, long nestedRip, long intCtl, long eventInj, boolean tdp, boolean hasGuestPgd, long guestPgd) {
        nested = true;
        nestedVmcb = vmcb;
        this.nestedRip = nestedRip;
        nestedIntCtl = intCtl;
        nestedEventInj = eventInj;
        nestedTdp = tdp;
        nestedGuestPgd = hasGuestPgd ? guestPgd : null;
    }

    void number(int which, long value) {
        numbers[which] = value;
        present |= 1 << which;
    }

    public String source() {
        return source;
    }

    public long lineNumber() {
        return lineNumber;
    }

    public long sequence() {
        return sequence;
    }

    public EventKind kind() {
        return kind;
    }

    public Isa isa() {
        return isa;
    }

    /** The exit reason of exit-like events, null for others. */
    public ExitReason reason() {
        return reason;
    }

    /** Nanoseconds, {@link TraceEvent#NO_TIMESTAMP} when the line had none. */
    public long timestampNs() {
        return timestampNs;
    }

    /** The thread id, {@link TraceEvent#NO_TID} when the line had none. */
    public int tid() {
        return tid;
    }

    /** The whole event, its text copied out of the buffer (once per view). */
    public ParsedEvent toParsedEvent() {
        if (materialized == null) {
            TraceEvent.Builder b = TraceEvent.builder(tracepoint)
                    .timestampNs(timestampNs)
                    .tid(tid)
                    .comm(comm())
                    .pcpu(pcpu)
                    .vcpu(vcpu)
                    .reason(reason)
                    .isa(isa)
                    .payload(new String(buf, payloadStart, payloadEnd - payloadStart, StandardCharsets.ISO_8859_1));
            b.guestRip(number(GUEST_RIP)).info1(number(INFO1)).info2(number(INFO2)).intrInfo(number(INTR_INFO))
                    .errorCode(number(ERROR_CODE));
            if (nested) {
                b.nestedEntry(new NestedEntry(numbers[GUEST_RIP], nestedVmcb, nestedRip, nestedIntCtl, nestedEventInj,
                        nestedTdp, nestedGuestPgd));
            }
            materialized = new ParsedEvent(source, lineNumber, sequence, b.build());
        }
        return materialized;
    }

    /** Whether this event was decoded in the buffer (the fast path), not built whole by the slow path. */
    boolean decodedInPlace() {
        return materialized == null;
    }

    private Long number(int which) {
        return (present & (1 << which)) == 0 ? null : numbers[which];
    }

    /** Comms repeat (one per vCPU thread): one String each, from a bounded cache. */
    private String comm() {
        String c = comms.get(buf, commStart, commEnd);
        if (c == null) {
            c = new String(buf, commStart, commEnd - commStart, StandardCharsets.ISO_8859_1);
            comms.put(buf, commStart, commEnd, c);
        }
        return c;
    }
}
