package io.smtreplay.schemas;

import io.smtreplay.projection.WakeUpTarget;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * An {@link ExitEventBatch} message decoded into primitive columns of what the episode model and
 * the critical path read (timestamp, sequence, kind, exit reason, nested-entry context; tracepoint,
 * physical CPU, vCPU id; the payload of wake-up events and the woken thread of scheduler events),
 * with no object per event: the arrays are reused from batch to batch, exit reasons are built
 * once per distinct reason, and the columns after {@code vcpu} are read only when the batch has a
 * wake-up or scheduler event (rare: most batches stop at {@code vcpu}). A message of this
 * process's schema is read straight from its bytes; one of another known schema version (older
 * or newer writer) goes through Avro's schema resolution first. The other columns are not kept:
 * {@link ExitEventBatches#events} reads everything. Not thread-safe: one per thread (operator).
 */
public final class ExitBatchColumns {

    /**
     * The model's kind of each wire kind code (by name); {@code EVENTS_LOST}, a mark and no trace
     * event, has none ({@link #isEventsLost}). The columns hold wire codes: the two enums differ.
     */
    private static final EventKind[] MODEL_KIND_OF_CODE = modelKinds();
    private static final Isa[] ISAS = Isa.values();
    /** {@link #wokenThread} of an event that wakes no thread. */
    public static final int NO_THREAD = -1;

    private final WireCodec<ExitEventBatch> codec;
    private BinaryDecoder decoder;

    private String host;
    private int threadId;
    private long minTimestampNs;
    private String vm;
    private String app;
    private int count;

    private long[] timestampNs = new long[0];
    private long[] sequence = new long[0];
    private byte[] kind = new byte[0];
    private byte[] isa = new byte[0];
    private int[] reason = new int[0];
    private boolean[] hasNestedEntry = new boolean[0];
    private long[] nestedVmcb = new long[0];
    private String[] tracepoint = new String[0];
    private int[] pcpu = new int[0];
    private int[] vcpu = new int[0];
    /** Only for the events {@link #needsPayload} names; null for the others. */
    private String[] payload = new String[0];
    private int[] wokenThread = new int[0];

    /** Per batch: its string dictionary resolved to kinds and ISAs; its reasons, built on first use per ISA. */
    private byte[] kindOfString = new byte[0];
    private byte[] isaOfString = new byte[0];
    private String[] strings = new String[0];
    private String[] reasonName = new String[0];
    private long[] reasonCode = new long[0];
    private long[] reasonFlags = new long[0];
    private boolean[] reasonKnown = new boolean[0];
    private ExitReason[] reasonObjects = new ExitReason[0];

    public ExitBatchColumns(WireCodec<ExitEventBatch> codec) {
        this.codec = codec;
    }

    /**
     * Decodes {@code message} into these columns.
     *
     * @throws WireCodec.WireFormatException when it is not a decodable batch
     */
    public ExitBatchColumns read(byte[] message) {
        return decode(message, false);
    }

    /**
     * Decodes only what routes the batch (host, thread, oldest timestamp, count): the rest of the
     * message is not read. The other accessors are undefined until the next {@link #read}.
     *
     * @throws WireCodec.WireFormatException when it is not a batch of a known schema
     */
    public ExitBatchColumns readHeader(byte[] message) {
        return decode(message, true);
    }

    private ExitBatchColumns decode(byte[] message, boolean headerOnly) {
        if (!codec.writtenByThisSchema(message)) {
            fill(codec.decode(message));
            return this;
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(message, WireCodec.bodyOffset(),
                    message.length - WireCodec.bodyOffset(), decoder);
            if (headerOnly) {
                readHeader(decoder);
            } else {
                readBody(decoder);
            }
        } catch (IOException | RuntimeException e) {
            throw new WireCodec.WireFormatException("not a decodable ExitEventBatch: " + e, e);
        }
        return this;
    }

    private int readHeader(BinaryDecoder d) throws IOException {
        host = d.readString();
        threadId = d.readInt();
        minTimestampNs = d.readLong();
        int n = d.readInt();
        if (n < 0) {
            throw new IOException("negative count " + n);
        }
        count = n;
        return n;
    }

    private void readBody(BinaryDecoder d) throws IOException {
        ensureCapacity(readHeader(d));
        vm = d.readIndex() == 1 ? d.readString() : null;
        app = d.readString();
        d.skipString(); // source

        int strings = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long i = 0; i < block; i++, strings++) {
                String s = d.readString();
                kindOfString = grow(kindOfString, strings + 1);
                isaOfString = grow(isaOfString, strings + 1);
                if (this.strings.length < strings + 1) {
                    this.strings = Arrays.copyOf(this.strings, Math.max(strings + 1, this.strings.length * 2));
                }
                this.strings[strings] = s;
                kindOfString[strings] = (byte) ExitEventBatches.kindCode(s).ordinal();
                // the model's ISA ordinal, as fill() stores it: isa(i) indexes Isa.values()
                isaOfString[strings] = (byte) Isa.valueOf(ExitEventBatches.isaCode(s).name()).ordinal();
            }
        }
        int reasons = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long i = 0; i < block; i++, reasons++) {
                ensureReasons(reasons + 1);
                reasonName[reasons] = d.readString();
                reasonCode[reasons] = d.readIndex() == 1 ? d.readLong() : -1;
                reasonFlags[reasons] = d.readLong();
                reasonKnown[reasons] = d.readBoolean();
            }
        }
        Arrays.fill(reasonObjects, 0, reasons * ISAS.length, null);

        long ts = minTimestampNs;
        int i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                ts += d.readLong();
                timestampNs[checked(i++)] = ts;
            }
        }
        complete(i);
        long seq = 0;
        i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                seq += d.readLong();
                sequence[checked(i++)] = seq;
            }
        }
        complete(i);
        i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                kind[checked(i++)] = kindOfString[stringIndex(d.readInt(), strings)];
            }
        }
        complete(i);
        i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                isa[checked(i++)] = isaOfString[stringIndex(d.readInt(), strings)];
            }
        }
        complete(i);
        i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                int r = d.readInt();
                if (r < -1 || r >= reasons) {
                    throw new IOException("reason index " + r + " outside the batch's " + reasons + " reasons");
                }
                reason[checked(i++)] = r;
            }
        }
        complete(i);
        i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                int at = checked(i++);
                hasNestedEntry[at] = d.readIndex() == 1;
                if (hasNestedEntry[at]) {
                    d.readLong(); // rip
                    nestedVmcb[at] = d.readLong();
                    d.readLong(); // nestedRip
                    d.readLong(); // intCtl
                    d.readLong(); // eventInj
                    d.readBoolean(); // tdpEnabled
                    if (d.readIndex() == 1) {
                        d.readLong(); // guestPgd
                    }
                }
            }
        }
        complete(i);
        skipLongs(d); // lineNumberDelta
        boolean anyWakeUp = false;
        i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                int t = d.readInt();
                tracepoint[checked(i++)] = t < 0 ? null : this.strings[stringIndex(t, strings)];
            }
        }
        complete(i);
        for (int e = 0; e < count; e++) {
            // the kind's string is a scheduler kind, or the tracepoint a wake-up's
            anyWakeUp |= isScheduler(e) || (tracepoint[e] != null && needsPayload(tracepoint[e]));
        }
        skipInts(d); // commIndex
        readInts(d, pcpu);
        readInts(d, vcpu);
        if (!anyWakeUp) {
            // the optional longs, payload and wokenThread: not needed, not read (the schema puts them last for this)
            Arrays.fill(wokenThread, 0, count, NO_THREAD);
            Arrays.fill(payload, 0, count, null);
            return;
        }
        for (int column = 0; column < 5; column++) { // guestRip, info1, info2, intrInfo, errorCode
            for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
                for (long j = 0; j < block; j++) {
                    if (d.readIndex() == 1) {
                        d.readLong();
                    }
                }
            }
        }
        i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                int at = checked(i++);
                if (tracepoint[at] != null && needsPayload(tracepoint[at])) {
                    payload[at] = d.readString();
                } else {
                    payload[at] = null;
                    d.skipString();
                }
            }
        }
        complete(i);
        Arrays.fill(wokenThread, 0, count, NO_THREAD);
        if (d.readIndex() == 1) {
            i = 0;
            for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
                for (long j = 0; j < block; j++) {
                    int at = checked(i++);
                    if (d.readIndex() == 1) {
                        wokenThread[at] = d.readInt();
                    }
                }
            }
            complete(i);
        }
    }

    /** True for a tracepoint whose payload names the vCPU it wakes: the critical path reads it. */
    private static boolean needsPayload(String tracepoint) {
        return WakeUpTarget.namesAVcpu(tracepoint);
    }

    private boolean isScheduler(int i) {
        return kind(i).isScheduler();
    }

    private void readInts(BinaryDecoder d, int[] into) throws IOException {
        int i = 0;
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                into[checked(i++)] = d.readInt();
            }
        }
        complete(i);
    }

    private static void skipInts(BinaryDecoder d) throws IOException {
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                d.readInt();
            }
        }
    }

    private static void skipLongs(BinaryDecoder d) throws IOException {
        for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
            for (long j = 0; j < block; j++) {
                d.readLong();
            }
        }
    }

    /** Fills the columns from a batch Avro resolved from another schema version. */
    private void fill(ExitEventBatch b) {
        List<ExitEvent> events = ExitEventBatches.events(b);
        int n = events.size();
        ensureCapacity(n);
        count = n;
        host = b.getHost();
        threadId = b.getThreadId();
        minTimestampNs = b.getMinTimestampNs();
        vm = b.getVm();
        app = b.getApp();
        ensureReasons(n);
        Arrays.fill(reasonObjects, 0, n * ISAS.length, null);
        for (int i = 0; i < n; i++) {
            ExitEvent e = events.get(i);
            timestampNs[i] = e.getTimestampNs();
            sequence[i] = e.getSequence();
            kind[i] = (byte) e.getKind().ordinal();
            isa[i] = (byte) Isa.valueOf(e.getIsa().name()).ordinal();
            // one dictionary entry per event: this path is rare (a schema rollout), clarity wins
            reason[i] = e.getExitReasonName() == null ? -1 : i;
            reasonName[i] = e.getExitReasonName();
            reasonCode[i] = e.getExitReasonCode() == null ? -1 : e.getExitReasonCode();
            reasonFlags[i] = e.getExitReasonFlags();
            reasonKnown[i] = e.getExitReasonKnown();
            hasNestedEntry[i] = e.getNestedEntry() != null;
            nestedVmcb[i] = hasNestedEntry[i] ? e.getNestedEntry().getVmcb() : 0;
            tracepoint[i] = e.getTracepoint();
            pcpu[i] = e.getPcpu();
            vcpu[i] = e.getVcpu();
            payload[i] = needsPayload(e.getTracepoint()) ? e.getPayload() : null;
            wokenThread[i] = e.getWokenThread() == null ? NO_THREAD : e.getWokenThread();
        }
    }

    private int checked(int i) throws IOException {
        if (i >= count) {
            throw new IOException("a column longer than the batch's count " + count);
        }
        return i;
    }

    /** A column must have exactly the batch's count of entries. */
    private void complete(int entries) throws IOException {
        if (entries != count) {
            throw new IOException("a column of " + entries + " entries in a batch of " + count);
        }
    }

    private static int stringIndex(int index, int strings) throws IOException {
        if (index < 0 || index >= strings) {
            throw new IOException("string index " + index + " outside the batch's " + strings + " strings");
        }
        return index;
    }

    private void ensureCapacity(int n) {
        if (timestampNs.length < n) {
            int c = Math.max(n, timestampNs.length * 2);
            timestampNs = new long[c];
            sequence = new long[c];
            kind = new byte[c];
            isa = new byte[c];
            reason = new int[c];
            hasNestedEntry = new boolean[c];
            nestedVmcb = new long[c];
            tracepoint = new String[c];
            pcpu = new int[c];
            vcpu = new int[c];
            payload = new String[c];
            wokenThread = new int[c];
        }
    }

    private void ensureReasons(int n) {
        if (reasonName.length < n) {
            int c = Math.max(n, reasonName.length * 2);
            reasonName = Arrays.copyOf(reasonName, c);
            reasonCode = Arrays.copyOf(reasonCode, c);
            reasonFlags = Arrays.copyOf(reasonFlags, c);
            reasonKnown = Arrays.copyOf(reasonKnown, c);
            reasonObjects = new ExitReason[c * ISAS.length];
        }
    }

    private static byte[] grow(byte[] a, int n) {
        return a.length >= n ? a : Arrays.copyOf(a, Math.max(n, a.length * 2));
    }

    public String host() {
        return host;
    }

    public int threadId() {
        return threadId;
    }

    public String app() {
        return app;
    }

    /** The batch's VM label, or null when the input had none. */
    public String vm() {
        return vm;
    }

    /** Event i's tracepoint name (one string per distinct name of the batch). */
    public String tracepoint(int i) {
        return tracepoint[i];
    }

    public int pcpu(int i) {
        return pcpu[i];
    }

    public int vcpu(int i) {
        return vcpu[i];
    }

    /** Event i's payload if its tracepoint {@link #needsPayload}, else null (not read). */
    public String payload(int i) {
        return payload[i];
    }

    /** The thread a scheduler event wakes, {@link #NO_THREAD} for other events. */
    public int wokenThread(int i) {
        return wokenThread[i];
    }

    public long minTimestampNs() {
        return minTimestampNs;
    }

    public int count() {
        return count;
    }

    public long timestampNs(int i) {
        return timestampNs[i];
    }

    public long sequence(int i) {
        return sequence[i];
    }

    /** Event i's kind in the model; {@code OTHER_KVM} for an events-lost mark (see {@link #isEventsLost}). */
    public EventKind kind(int i) {
        EventKind k = MODEL_KIND_OF_CODE[kind[i]];
        return k == null ? EventKind.OTHER_KVM : k;
    }

    /** True when event i is the capture agent's mark that events of this vCPU's CPU were lost. */
    public boolean isEventsLost(int i) {
        return kind[i] == EventKindCode.EVENTS_LOST.ordinal();
    }

    private static EventKind[] modelKinds() {
        EventKindCode[] codes = EventKindCode.values();
        EventKind[] model = new EventKind[codes.length];
        for (EventKindCode code : codes) {
            if (code != EventKindCode.EVENTS_LOST) {
                model[code.ordinal()] = EventKind.valueOf(code.name());
            }
        }
        return model;
    }

    /** Event i's exit reason (one object per distinct reason and ISA of the batch), or null. */
    public ExitReason reason(int i) {
        int r = reason[i];
        if (r < 0) {
            return null;
        }
        int at = r * ISAS.length + isa[i];
        ExitReason cached = reasonObjects[at];
        if (cached == null) {
            // the reason's ISA is its event's, as ExitEventMapping.fromAvro builds it
            cached = new ExitReason(ISAS[isa[i]], reasonCode[r], reasonName[r], reasonFlags[r], reasonKnown[r]);
            reasonObjects[at] = cached;
        }
        return cached;
    }

    public boolean hasNestedEntry(int i) {
        return hasNestedEntry[i];
    }

    /** The vmcs12/vmcb12 of event i's nested entry; meaningful when {@link #hasNestedEntry}. */
    public long nestedVmcb(int i) {
        return nestedVmcb[i];
    }
}
