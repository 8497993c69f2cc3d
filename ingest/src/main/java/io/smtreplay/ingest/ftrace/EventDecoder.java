package io.smtreplay.ingest.ftrace;

import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.ingest.parse.IsaContext;
import io.smtreplay.ingest.parse.KvmTracepoints;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.projection.WakeUpTarget;
import io.smtreplay.schemas.EventRow;
import io.smtreplay.trace.TraceFormat;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Turns ring-buffer records of one source into the events the text parsers produce, reading every
 * field by name through the kernel's format files. Stateful per source, like the text parser: it
 * numbers records, counts refusals, and keeps the ISA learnt so far ({@code isa} fields teach it;
 * events without one carry the ISA known at that point, as in text).
 *
 * <p>What each kind of event takes from its fields (names of every kernel since 4.x are tried):
 * <ul>
 *   <li>{@code kvm_exit}, {@code kvm_nested_vmexit}, {@code kvm_nested_vmexit_inject}: the reason from
 *       {@code exit_reason}/{@code exit_code} under {@code isa} (or, without that field, the ISA the
 *       print format's reason table names), rip, info1/2, intr_info, error_code and vcpu_id;</li>
 *   <li>{@code kvm_entry}: vcpu_id and rip; {@code kvm_nested_vmenter}/{@code kvm_nested_vmrun}: the
 *       nested-entry fields; {@code kvm_nested_intr_vmexit}: rip;</li>
 *   <li>{@code sched_wakeup}/{@code sched_wakeup_new}/{@code sched_waking}: the woken thread from {@code pid};
 *       {@code sched_switch}: from {@code next_pid};</li>
 *   <li>any other kvm event: the vCPU when its print format starts with it ({@code "vcpu %u ..."}).</li>
 * </ul>
 * There is no printed text in binary data: the payload ({@link Payload}) of a wake-up the model
 * reads by its text is rendered as the kernel prints it; of any other event it is empty unless
 * {@link Payload#EVERY_EVENT} asks for every non-common field as {@code name=value} (hex where the
 * kernel prints that field in hex, text for strings, {@code ARRAY[..]} for byte arrays). Records of other trace systems (but the sched events above) are refused as {@code not-kvm-event}; a record whose
 * type id has no format, or that is shorter than its format, as {@code unrecognized}/{@code truncated}.
 * A record's "line number" is its ordinal in the source, from 1, counting lost-event marks.
 */
public final class EventDecoder {
    private final EventFormats formats;
    private final String source;
    private final IntFunction<String> comms;
    private final IsaContext isa = new IsaContext();
    /** Plans by event id ({@code common_type}, a u16): an array, no map lookup per record. */
    private Plan[] plans = new Plan[64];
    private final Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
    private final PayloadText text = new PayloadText();
    private long records;
    private long events;
    private Payload payloadPolicy = Payload.WHERE_READ;
    private final RecordView view = new RecordView();
    /**
     * Thread names by thread id, direct-mapped: records interleave a few threads (vCPUs, their
     * VMM), so each name is looked up once, not per record.
     */
    private final int[] commPids = new int[COMM_CACHE];
    private final String[] commNames = new String[COMM_CACHE];
    private static final int COMM_CACHE = 256;
    /** Exit reasons by ISA and code below {@link #REASON_CACHE}: one object per reason, not per event. */
    private static final int REASON_CACHE = 0x800;
    private final io.smtreplay.trace.ExitReason[][] reasons = new io.smtreplay.trace.ExitReason[Isa.values().length][];

    /**
     * @param formats the formats of the kernel that wrote the records
     * @param source  the name events and refusals carry (a file, a capture id)
     * @param comms   the command name of a thread id ({@link #traceCmdComms} for a trace.dat's saved command lines)
     */
    public EventDecoder(EventFormats formats, String source, IntFunction<String> comms) {
        this.formats = formats;
        this.source = source;
        this.comms = comms;
    }

    /**
     * Which events carry a payload text. Binary data has no printed text: a payload is rendered
     * from the fields, which is most of the decoding time and most of an event's bytes on the wire,
     * so it is rendered only where something reads it.
     */
    public enum Payload {
        /**
         * Only events read by their text: the wake-ups the model reads the target vCPU from
         * ({@link WakeUpTarget#namesAVcpu}), rendered as the kernel prints them. Every other
         * event's payload is empty; its typed fields hold what the model reads.
         */
        WHERE_READ,
        /** Every event: wake-ups as above, every other event as {@code name=value} of its own fields (for people). */
        EVERY_EVENT
    }

    /** Which events get a payload ({@link Payload#WHERE_READ} unless told). */
    public EventDecoder withPayload(Payload policy) {
        this.payloadPolicy = policy;
        return this;
    }

    /** trace-cmd's naming: {@code <idle>} for thread 0, the saved name, else {@code <...>}. */
    public static IntFunction<String> traceCmdComms(Map<Integer, String> saved) {
        return pid -> pid == 0 ? "<idle>" : saved.getOrDefault(pid, "<...>");
    }

    /** Decodes every record of a decoded page of {@code cpu}, in order, lost events first. */
    public void decodePage(DecodedPage page, int cpu, TraceRecordSink sink) {
        if (page.missedEvents()) {
            eventsLost(cpu, page.lostEvents(), sink);
        }
        for (int i = 0; i < page.recordCount(); i++) {
            decode(page.buffer(), page.recordOffset(i), page.recordLength(i), page.timestamp(i), cpu, sink);
        }
    }

    /**
     * The kernel lost events on {@code cpu} before what comes next: refused as trace-cmd prints it
     * ({@code CPU:1 [LOST 42 EVENTS]}) and signalled as {@link TraceRecordSink#onEventsLost}.
     *
     * @param count how many, or {@link DecodedPage#LOST_UNKNOWN}
     */
    public void eventsLost(int cpu, long count, TraceRecordSink sink) {
        long line = ++records;
        boolean known = count != DecodedPage.LOST_UNKNOWN;
        String mark = known ? "CPU:" + cpu + " [LOST " + count + " EVENTS]" : "CPU:" + cpu + " [LOST EVENTS]";
        refuse(sink, line, RefusalReason.EVENTS_LOST,
                "the ring buffer lost " + (known ? count + " " : "") + "events on CPU " + cpu, mark);
        sink.onEventsLost(new EventsLost(source, line, cpu, known ? count : 0));
    }

    /**
     * Decodes one record: its bytes are {@code buffer[offset, offset + length)}, {@code common_type}
     * first. An event goes to {@link TraceRecordSink#onDecoded(RecordView)}.
     */
    public void decode(ByteBuffer buffer, int offset, int length, long timestampNs, int cpu, TraceRecordSink sink) {
        long line = ++records;
        FieldLayout typeField = formats.commonType();
        if (length < typeField.offset() + typeField.size() || length < formats.commonPid().offset() + 4) {
            refuse(sink, line, RefusalReason.TRUNCATED, "record of " + length + " bytes has no common fields", "");
            return;
        }
        Plan plan = plan((int) read(buffer, offset, typeField));
        if (plan == null) {
            int id = (int) read(buffer, offset, typeField);
            refuse(sink, line, RefusalReason.UNRECOGNIZED, "event type " + id + " has no format in this trace",
                    "common_type=" + id);
            return;
        }
        if (!plan.modelled) {
            refuse(sink, line, RefusalReason.NOT_KVM_EVENT, "event " + plan.format.system() + ":" + plan.format.name(),
                    plan.format.name());
            return;
        }
        if (length < plan.minLength) {
            refuse(sink, line, RefusalReason.TRUNCATED, plan.format.name() + " record of " + length
                    + " bytes, its format needs " + plan.minLength, plan.format.name());
            return;
        }
        int pid = (int) read(buffer, offset, formats.commonPid());
        int slot = pid & (COMM_CACHE - 1);
        String comm = commNames[slot];
        if (comm == null || commPids[slot] != pid) {
            comm = comms.apply(pid);
            commPids[slot] = pid;
            commNames[slot] = comm;
        }
        RecordView v = view;
        v.source = source;
        v.lineNumber = line;
        v.sequence = events++;
        v.tracepoint = plan.format.name();
        v.kind = plan.kind;
        v.reason = null;
        EventRow row = v.row.clear().source(source).thread(pid, comm).timestampNs(timestampNs)
                .position(v.sequence, line).cpus(cpu, -1);
        plan.fill(buffer, offset, v);
        if (plan.printed != null) {
            row.payload(printed(plan.printed, buffer, offset, length));
        } else if (payloadPolicy == Payload.EVERY_EVENT) {
            row.payload(payload(plan, buffer, offset, length));
        }
        row.what(v.tracepoint, plan.kindName, v.isa.name());
        sink.onDecoded(v);
    }

    /** The plan of event {@code id}, made on its first record; null when the trace has no format for it. */
    private Plan plan(int id) {
        if (id >= 0 && id < plans.length && plans[id] != null) {
            return plans[id];
        }
        EventFormat format = formats.byId(id);
        if (format == null || id < 0) {
            return null;
        }
        if (id >= plans.length) {
            plans = java.util.Arrays.copyOf(plans, Math.max(id + 1, plans.length * 2));
        }
        plans[id] = new Plan(format);
        return plans[id];
    }

    /** What was decoded so far: records (events, refusals and lost-event marks), events, refusals by reason. */
    public ReadSummary summary() {
        return new ReadSummary(source, records == 0 ? null : TraceFormat.TRACE_CMD, records, events, 0, refused);
    }

    private void refuse(TraceRecordSink sink, long line, RefusalReason reason, String detail, String what) {
        refused.merge(reason, 1L, Long::sum);
        sink.onRefused(new RefusedLine(source, line, reason, detail, what));
    }

    private String payload(Plan plan, ByteBuffer buffer, int offset, int length) {
        PayloadText s = text;
        s.reset();
        FieldLayout[] fields = plan.payloadFields;
        for (int i = 0; i < fields.length; i++) {
            FieldLayout f = fields[i];
            s.ascii(plan.labels[i]);
            if (f.isNumber()) {
                long v = read(buffer, offset, f);
                if (plan.hex[i]) {
                    s.hex(v);
                } else {
                    s.decimal(v, f.signed());
                }
            } else if (f.isText()) {
                appendText(s, buffer, offset, length, f);
            } else {
                appendBytes(s, buffer, offset, length, f);
            }
        }
        return s.toString();
    }

    private String printed(PrintFormat.Compiled printed, ByteBuffer buffer, int offset, int length) {
        PayloadText s = text;
        s.reset();
        for (int i = 0; i < printed.fields.length; i++) {
            s.ascii(printed.literals[i]);
            FieldLayout f = printed.fields[i];
            if (printed.conversions[i] == 's') {
                appendText(s, buffer, offset, length, f);
                continue;
            }
            long mask = printed.masks[i];
            long v = read(buffer, offset, f) >>> printed.shifts[i];
            if (mask != -1) {
                v &= mask;
            }
            switch (printed.conversions[i]) {
                case 'x', 'X', 'p' -> {
                    if (printed.alternate[i]) {
                        s.ascii(HEX_PREFIX);
                    }
                    s.hexDigits(mask != -1 || f.size() == 8 ? v : v & (-1L >>> (64 - 8 * f.size())));
                }
                case 'd', 'i' -> s.decimal(v, true);
                default -> s.decimal(v, f.signed() && mask == -1);
            }
        }
        return s.toString();
    }

    private static final byte[] HEX_PREFIX = {'0', 'x'};

    private io.smtreplay.trace.ExitReason reason(Isa isa, long raw) {
        if (raw < 0 || raw >= REASON_CACHE) {
            return ExitReasons.byCode(isa, raw);
        }
        io.smtreplay.trace.ExitReason[] byCode = reasons[isa.ordinal()];
        if (byCode == null) {
            byCode = new io.smtreplay.trace.ExitReason[REASON_CACHE];
            reasons[isa.ordinal()] = byCode;
        }
        io.smtreplay.trace.ExitReason r = byCode[(int) raw];
        if (r == null) {
            r = ExitReasons.byCode(isa, raw);
            byCode[(int) raw] = r;
        }
        return r;
    }

    private static void appendText(PayloadText s, ByteBuffer buffer, int offset, int length, FieldLayout f) {
        int start = offset + f.offset();
        int len = f.size();
        if (f.dataLoc()) {
            int loc = (int) read(buffer, offset, f);
            start = offset + (loc & 0xffff) + (f.type().startsWith("__rel_loc") ? f.offset() + f.size() : 0);
            len = loc >>> 16;
        }
        int end = Math.min(start + len, offset + length);
        for (int i = start; i < end; i++) {
            byte c = buffer.get(i);
            if (c == 0) {
                break;
            }
            s.textByte(c);
        }
    }

    private static final byte[] ARRAY_OPEN = "ARRAY[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ARRAY_SEPARATOR = ", ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static void appendBytes(PayloadText s, ByteBuffer buffer, int offset, int length, FieldLayout f) {
        int start = offset + f.offset();
        int end = Math.min(start + f.size(), offset + length);
        s.ascii(ARRAY_OPEN);
        for (int i = start; i < end; i++) {
            if (i > start) {
                s.ascii(ARRAY_SEPARATOR);
            }
            s.hexByte(buffer.get(i) & 0xff);
        }
        s.ascii(']');
    }

    /** A field's value: sign-extended when the kernel declared it signed, else zero-extended. */
    static long read(ByteBuffer b, int recordOffset, FieldLayout f) {
        int at = recordOffset + f.offset();
        return switch (f.size()) {
            case 1 -> f.signed() ? b.get(at) : b.get(at) & 0xffL;
            case 2 -> f.signed() ? b.getShort(at) : b.getShort(at) & 0xffffL;
            case 4 -> f.signed() ? b.getInt(at) : b.getInt(at) & 0xffff_ffffL;
            case 8 -> b.getLong(at);
            default -> 0;
        };
    }

    /** Which fields of one event format mean what, resolved once per format. */
    private final class Plan {
        final EventFormat format;
        /** A kvm/kvmmmu event or a sched wake-up/switch: decoded, not refused. */
        final boolean modelled;
        final EventKind kind;
        /** The wire's name of the kind ({@code EventKindCode} has the model's names). */
        final String kindName;
        /** The kernel's own text of an event read by its text, compiled; else null. */
        final PrintFormat.Compiled printed;
        final int minLength;
        final FieldLayout[] payloadFields;
        final boolean[] hex;
        /** {@code "name="}, with the separating space before every field but the first. */
        final byte[][] labels;
        final Isa printedIsa;
        final FieldLayout isaField;
        final FieldLayout reason;
        final FieldLayout rip;
        final FieldLayout info1;
        final FieldLayout info2;
        final FieldLayout intrInfo;
        final FieldLayout errorCode;
        final FieldLayout vcpu;
        final FieldLayout vmcb;
        final FieldLayout nestedRip;
        final FieldLayout intCtl;
        final FieldLayout eventInj;
        final FieldLayout tdp;
        final FieldLayout guestPgd;
        final FieldLayout wokenThread;

        Plan(EventFormat format) {
            this.format = format;
            this.modelled = KvmTracepoints.isModelled(format.system(), format.name());
            this.kind = EventKind.ofTracepoint(format.name());
            this.kindName = kind.name();
            PrintFormat print = PrintFormat.parse(format.printFmt());
            this.printed = WakeUpTarget.namesAVcpu(format.name()) ? print.compile(format::field) : null;
            int min = 0;
            java.util.List<FieldLayout> own = new java.util.ArrayList<>();
            for (FieldLayout f : format.fields().values()) {
                if (!f.dataLoc()) {
                    min = Math.max(min, f.offset() + f.size());
                }
                if (!f.name().startsWith("common_")) {
                    own.add(f);
                }
            }
            this.minLength = min;
            this.payloadFields = own.toArray(new FieldLayout[0]);
            this.hex = new boolean[payloadFields.length];
            this.labels = new byte[payloadFields.length][];
            for (int i = 0; i < payloadFields.length; i++) {
                hex[i] = print.printsInHex(payloadFields[i].name());
                labels[i] = ((i > 0 ? " " : "") + payloadFields[i].name() + "=").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
            this.isaField = number(format.field("isa"));
            // kernels without an isa field print one vendor's table: its names say which
            this.printedIsa = print.mentions("VMRESUME") || print.mentions("EPT_VIOLATION") ? Isa.VMX
                    : print.mentions("vmrun") || print.mentions("npf") ? Isa.SVM : Isa.UNKNOWN;
            boolean exitLike = kind == EventKind.EXIT || kind == EventKind.NESTED_VMEXIT || kind == EventKind.NESTED_VMEXIT_INJECT;
            this.reason = exitLike ? number(format.firstField("exit_reason", "exit_code")) : null;
            this.rip = number(switch (kind) {
                case EXIT, NESTED_VMEXIT, NESTED_VMEXIT_INJECT -> format.firstField("guest_rip", "rip");
                case ENTRY, NESTED_VMENTER, NESTED_INTR_VMEXIT -> format.field("rip");
                default -> null;
            });
            this.info1 = exitLike ? number(format.firstField("info1", "exit_info1")) : null;
            this.info2 = exitLike ? number(format.firstField("info2", "exit_info2")) : null;
            this.intrInfo = exitLike ? number(format.firstField("intr_info", "exit_int_info")) : null;
            this.errorCode = exitLike ? number(format.firstField("error_code", "exit_int_info_err")) : null;
            String leading = print.leadingVcpuField();
            this.vcpu = number(switch (kind) {
                case EXIT, NESTED_VMEXIT, NESTED_VMEXIT_INJECT, ENTRY -> format.field("vcpu_id");
                default -> leading == null ? null : format.field(leading);
            });
            boolean nested = kind == EventKind.NESTED_VMENTER;
            this.vmcb = nested ? number(format.field("vmcb")) : null;
            this.nestedRip = nested ? number(format.firstField("nested_rip", "nrip")) : null;
            this.intCtl = nested ? number(format.field("int_ctl")) : null;
            this.eventInj = nested ? number(format.field("event_inj")) : null;
            this.tdp = nested ? number(format.firstField("tdp_enabled", "npt")) : null;
            this.guestPgd = nested ? number(format.field("guest_pgd")) : null;
            this.wokenThread = number(switch (kind) {
                case SCHED_WAKEUP, SCHED_WAKING -> format.field("pid");
                case SCHED_SWITCH -> format.field("next_pid");
                default -> null;
            });
        }

        private FieldLayout number(FieldLayout f) {
            return f != null && f.isNumber() ? f : null;
        }

        /** Reads the typed fields into the view's row, and the event's ISA and reason into the view. */
        void fill(ByteBuffer b, int o, RecordView view) {
            EventRow e = view.row;
            Isa own = isaField != null ? Isa.fromKernelValue((int) read(b, o, isaField)) : printedIsa;
            if (isaField != null || reason != null) {
                isa.learn(own);
            }
            if (reason != null) {
                io.smtreplay.trace.ExitReason r = EventDecoder.this.reason(own == Isa.UNKNOWN ? isa.current() : own,
                        read(b, o, reason));
                view.reason = r;
                e.reason(r);
                if (info1 != null) {
                    e.info1(read(b, o, info1));
                }
                if (info2 != null) {
                    e.info2(read(b, o, info2));
                }
                if (intrInfo != null) {
                    e.intrInfo(read(b, o, intrInfo));
                }
                if (errorCode != null) {
                    e.errorCode(read(b, o, errorCode));
                }
            }
            if (vcpu != null) {
                e.vcpu((int) read(b, o, vcpu));
            }
            if (rip != null) {
                e.guestRip(read(b, o, rip));
            }
            if (wokenThread != null) {
                e.wokenThread((int) read(b, o, wokenThread));
            }
            if (kind == EventKind.NESTED_VMENTER && rip != null && vmcb != null && nestedRip != null && intCtl != null
                    && eventInj != null) {
                e.nestedEntry(read(b, o, rip), read(b, o, vmcb), read(b, o, nestedRip), read(b, o, intCtl),
                        read(b, o, eventInj), tdp != null && read(b, o, tdp) != 0);
                if (guestPgd != null) {
                    e.nestedGuestPgd(read(b, o, guestPgd));
                }
            }
            view.isa = isa.current();
        }
    }
}
