package io.smtreplay.schemas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Collects consecutive events of one vCPU thread into the columns of an {@link ExitEventBatch}:
 * the inverse of {@link ExitEventBatches#events}. Events come as {@link ExitEvent}s or, from a
 * decoder that makes no object per event, as {@link EventRow}s; both land in the same primitive
 * columns. Only events that {@link #accepts} says belong to this batch may be added (same host,
 * thread, app, vm and source, with a timestamp). {@link #encode} writes the batch's Avro message
 * straight from the columns (the bytes {@code WireCodec.exitEventBatches().encode(build())} gives,
 * without the {@code ExitEventBatch} object and its boxed lists); {@link #build} gives the object.
 * Either empties the builder for reuse.
 */
public final class ExitEventBatchBuilder {

    private String host;
    private int threadId;
    private String vm;
    private String app;
    private String source;
    private long minTimestampNs = Long.MAX_VALUE;
    private long maxTimestampNs = Long.MIN_VALUE;
    private long lastSequence;
    private long lastLineNumber;
    private int size;
    private final EventRow scratch = new EventRow();

    /** Dictionaries, searched linearly: a batch of one vCPU holds a handful of distinct strings and reasons. */
    private String[] strings = new String[16];
    private int stringCount;
    /** Open addressing over {@link #strings}: index + 1 by hash, 0 = empty; kept under half full. */
    private int[] stringSlots = new int[64];
    private int[] stringHashes = new int[16];
    private String lastKind;
    private int lastKindIndex;
    private String lastIsa;
    private int lastIsaIndex;
    private String lastTracepoint;
    private int lastTracepointIndex;
    private String lastComm;
    private int lastCommIndex;
    private String[] reasonName = new String[8];
    private long[] reasonCode = new long[8];
    private boolean[] reasonHasCode = new boolean[8];
    private long[] reasonFlags = new long[8];
    private boolean[] reasonKnown = new boolean[8];
    private int reasonCount;

    private int capacity = 64;
    private long[] timestamps = new long[capacity];
    private long[] sequenceDelta = new long[capacity];
    private long[] lineNumberDelta = new long[capacity];
    private int[] kindIndex = new int[capacity];
    private int[] isaIndex = new int[capacity];
    private int[] tracepointIndex = new int[capacity];
    private int[] commIndex = new int[capacity];
    private int[] pcpu = new int[capacity];
    private int[] vcpu = new int[capacity];
    private int[] reason = new int[capacity];
    /** {@link EventRow}'s presence bits of each event's optional values. */
    private int[] present = new int[capacity];
    private long[] guestRip = new long[capacity];
    private long[] info1 = new long[capacity];
    private long[] info2 = new long[capacity];
    private long[] intrInfo = new long[capacity];
    private long[] errorCode = new long[capacity];
    private long[] nestedRip = new long[capacity];
    private long[] nestedVmcb = new long[capacity];
    private long[] nestedNestedRip = new long[capacity];
    private long[] nestedIntCtl = new long[capacity];
    private long[] nestedEventInj = new long[capacity];
    private boolean[] nestedTdp = new boolean[capacity];
    private long[] nestedGuestPgd = new long[capacity];
    private String[] payload = new String[capacity];
    private int[] wokenThread = new int[capacity];

    private final AvroBytes out = new AvroBytes();

    /** Events added since the last {@link #build}. */
    public int size() {
        return size;
    }

    /** The smallest timestamp added so far (undefined while empty). */
    public long minTimestampNs() {
        return minTimestampNs;
    }

    /** The largest timestamp added so far (undefined while empty). */
    public long maxTimestampNs() {
        return maxTimestampNs;
    }

    /** True when {@code e} may be batched at all: it has a timestamp and a thread. */
    public static boolean batchable(ExitEvent e) {
        return e.getTimestampNs() != null && e.getThreadId() >= 0;
    }

    /** True when {@code row} may be batched at all: it has a timestamp and a thread. */
    public static boolean batchable(EventRow row) {
        return row.hasTimestamp && row.threadId >= 0;
    }

    /** True when {@code e} can join this batch (always, when it is empty and batchable). */
    public boolean accepts(ExitEvent e) {
        return accepts(scratch.from(e));
    }

    /** True when {@code row} can join this batch (always, when it is empty and batchable). */
    public boolean accepts(EventRow row) {
        if (!batchable(row)) {
            return false;
        }
        return size == 0 || (row.threadId == threadId && row.host.equals(host) && row.app.equals(app)
                && Objects.equals(row.vm, vm) && row.source.equals(source));
    }

    public void add(ExitEvent e) {
        add(scratch.from(e));
    }

    /** Copies the row into the columns; the caller may reuse it at once. */
    public void add(EventRow e) {
        if (!accepts(e)) {
            throw new IllegalArgumentException("event of " + e.host + "/" + e.threadId + " from " + e.source
                    + " does not belong to this batch");
        }
        if (size == 0) {
            host = e.host;
            threadId = e.threadId;
            vm = e.vm;
            app = e.app;
            source = e.source;
            lastSequence = 0;
            lastLineNumber = 0;
        }
        if (size == capacity) {
            grow();
        }
        int i = size++;
        long ts = e.timestampNs;
        minTimestampNs = Math.min(minTimestampNs, ts);
        maxTimestampNs = Math.max(maxTimestampNs, ts);
        timestamps[i] = ts;
        sequenceDelta[i] = e.sequence - lastSequence;
        lastSequence = e.sequence;
        lineNumberDelta[i] = e.lineNumber - lastLineNumber;
        lastLineNumber = e.lineNumber;
        // consecutive events mostly repeat these strings: the same object as the last one needs no look-up
        kindIndex[i] = e.kind == lastKind ? lastKindIndex : (lastKindIndex = string(lastKind = e.kind));
        isaIndex[i] = e.isa == lastIsa ? lastIsaIndex : (lastIsaIndex = string(lastIsa = e.isa));
        tracepointIndex[i] = e.tracepoint == lastTracepoint ? lastTracepointIndex
                : (lastTracepointIndex = string(lastTracepoint = e.tracepoint));
        commIndex[i] = e.comm == null ? -1 : e.comm == lastComm ? lastCommIndex : (lastCommIndex = string(lastComm = e.comm));
        pcpu[i] = e.pcpu;
        vcpu[i] = e.vcpu;
        reason[i] = e.reasonName == null ? -1 : reason(e);
        int p = e.present;
        present[i] = p;
        guestRip[i] = e.guestRip;
        info1[i] = e.info1;
        info2[i] = e.info2;
        intrInfo[i] = e.intrInfo;
        errorCode[i] = e.errorCode;
        if ((p & EventRow.NESTED_ENTRY) != 0) {
            nestedRip[i] = e.nestedRip;
            nestedVmcb[i] = e.nestedVmcb;
            nestedNestedRip[i] = e.nestedNestedRip;
            nestedIntCtl[i] = e.nestedIntCtl;
            nestedEventInj[i] = e.nestedEventInj;
            nestedTdp[i] = e.nestedTdp;
            nestedGuestPgd[i] = e.nestedGuestPgd;
        }
        payload[i] = e.payload;
        wokenThread[i] = e.wokenThread;
    }

    /** The batch of the events added, which are then forgotten. */
    public ExitEventBatch build() {
        requireEvents();
        int n = size;
        List<Long> deltas = new ArrayList<>(n);
        List<Long> seq = new ArrayList<>(n);
        List<Long> lines = new ArrayList<>(n);
        List<Integer> kinds = new ArrayList<>(n);
        List<Integer> isas = new ArrayList<>(n);
        List<Integer> tracepoints = new ArrayList<>(n);
        List<Integer> comms = new ArrayList<>(n);
        List<Integer> pcpus = new ArrayList<>(n);
        List<Integer> vcpus = new ArrayList<>(n);
        List<Integer> reasons = new ArrayList<>(n);
        List<Long> rips = new ArrayList<>(n);
        List<Long> info1s = new ArrayList<>(n);
        List<Long> info2s = new ArrayList<>(n);
        List<Long> intrInfos = new ArrayList<>(n);
        List<Long> errorCodes = new ArrayList<>(n);
        List<BatchNestedEntry> nested = new ArrayList<>(n);
        List<String> payloads = new ArrayList<>(n);
        List<Integer> woken = new ArrayList<>(n);
        long previous = minTimestampNs;
        for (int i = 0; i < n; i++) {
            deltas.add(timestamps[i] - previous);
            previous = timestamps[i];
            seq.add(sequenceDelta[i]);
            lines.add(lineNumberDelta[i]);
            kinds.add(kindIndex[i]);
            isas.add(isaIndex[i]);
            tracepoints.add(tracepointIndex[i]);
            comms.add(commIndex[i]);
            pcpus.add(pcpu[i]);
            vcpus.add(vcpu[i]);
            reasons.add(reason[i]);
            int p = present[i];
            rips.add((p & EventRow.GUEST_RIP) != 0 ? guestRip[i] : null);
            info1s.add((p & EventRow.INFO1) != 0 ? info1[i] : null);
            info2s.add((p & EventRow.INFO2) != 0 ? info2[i] : null);
            intrInfos.add((p & EventRow.INTR_INFO) != 0 ? intrInfo[i] : null);
            errorCodes.add((p & EventRow.ERROR_CODE) != 0 ? errorCode[i] : null);
            nested.add((p & EventRow.NESTED_ENTRY) == 0 ? null : BatchNestedEntry.newBuilder().setRip(nestedRip[i])
                    .setVmcb(nestedVmcb[i]).setNestedRip(nestedNestedRip[i]).setIntCtl(nestedIntCtl[i])
                    .setEventInj(nestedEventInj[i]).setTdpEnabled(nestedTdp[i])
                    .setGuestPgd((p & EventRow.GUEST_PGD) != 0 ? nestedGuestPgd[i] : null).build());
            payloads.add(payload[i]);
            woken.add((p & EventRow.WOKEN_THREAD) != 0 ? wokenThread[i] : null);
        }
        List<BatchExitReason> reasonList = new ArrayList<>(reasonCount);
        for (int r = 0; r < reasonCount; r++) {
            reasonList.add(BatchExitReason.newBuilder().setName(reasonName[r])
                    .setCode(reasonHasCode[r] ? reasonCode[r] : null).setFlags(reasonFlags[r]).setKnown(reasonKnown[r]).build());
        }
        ExitEventBatch batch = ExitEventBatch.newBuilder()
                .setHost(host).setThreadId(threadId).setMinTimestampNs(minTimestampNs).setCount(n)
                .setVm(vm).setApp(app).setSource(source)
                .setStrings(List.of(Arrays.copyOf(strings, stringCount))).setReasons(reasonList)
                .setTimestampDeltaNs(deltas).setSequenceDelta(seq).setLineNumberDelta(lines)
                .setKindIndex(kinds).setIsaIndex(isas).setTracepointIndex(tracepoints).setCommIndex(comms)
                .setPcpu(pcpus).setVcpu(vcpus).setReasonIndex(reasons)
                .setGuestRip(rips).setInfo1(info1s).setInfo2(info2s).setIntrInfo(intrInfos).setErrorCode(errorCodes)
                .setNestedEntry(nested).setPayload(payloads).setWokenThread(woken)
                .build();
        clear();
        return batch;
    }

    /**
     * The batch of the events added as the exits topic's message ({@code header}, then the Avro
     * binary body in {@link ExitEventBatch}'s field order); the events are then forgotten.
     *
     * @param header the single-object header of this process's batch schema ({@link WireCodec#header()})
     */
    public byte[] encode(byte[] header) {
        requireEvents();
        int n = size;
        AvroBytes o = out;
        o.reset();
        o.raw(header);
        o.string(host);
        o.varint(threadId);
        o.varint(minTimestampNs);
        o.varint(n);
        if (vm == null) {
            o.varint(0);
        } else {
            o.varint(1);
            o.string(vm);
        }
        o.string(app);
        o.string(source);
        o.varint(stringCount);
        for (int s = 0; s < stringCount; s++) {
            o.string(strings[s]);
        }
        endArray(o, stringCount);
        o.varint(reasonCount);
        for (int r = 0; r < reasonCount; r++) {
            o.string(reasonName[r]);
            optional(o, reasonHasCode[r], reasonCode[r]);
            o.varint(reasonFlags[r]);
            o.bool(reasonKnown[r]);
        }
        endArray(o, reasonCount);
        o.varint(n);
        o.deltas(timestamps, n, minTimestampNs);
        o.varint(0);
        longs(o, sequenceDelta, n);
        ints(o, kindIndex, n);
        ints(o, isaIndex, n);
        ints(o, reason, n);
        o.varint(n);
        for (int i = 0; i < n; i++) {
            int p = present[i];
            if ((p & EventRow.NESTED_ENTRY) == 0) {
                o.varint(0);
                continue;
            }
            o.varint(1);
            o.varint(nestedRip[i]);
            o.varint(nestedVmcb[i]);
            o.varint(nestedNestedRip[i]);
            o.varint(nestedIntCtl[i]);
            o.varint(nestedEventInj[i]);
            o.bool(nestedTdp[i]);
            optional(o, (p & EventRow.GUEST_PGD) != 0, nestedGuestPgd[i]);
        }
        o.varint(0);
        longs(o, lineNumberDelta, n);
        ints(o, tracepointIndex, n);
        ints(o, commIndex, n);
        ints(o, pcpu, n);
        ints(o, vcpu, n);
        optionalLongs(o, guestRip, EventRow.GUEST_RIP, n);
        optionalLongs(o, info1, EventRow.INFO1, n);
        optionalLongs(o, info2, EventRow.INFO2, n);
        optionalLongs(o, intrInfo, EventRow.INTR_INFO, n);
        optionalLongs(o, errorCode, EventRow.ERROR_CODE, n);
        o.varint(n);
        for (int i = 0; i < n; i++) {
            o.string(payload[i]);
        }
        o.varint(0);
        o.varint(1); // the wokenThread column is there (the union's array branch)
        o.varint(n);
        for (int i = 0; i < n; i++) {
            optional(o, (present[i] & EventRow.WOKEN_THREAD) != 0, wokenThread[i]);
        }
        o.varint(0);
        clear();
        return o.toByteArray();
    }

    /** Avro ends every array with a zero-length block; an empty one is only that. */
    private static void endArray(AvroBytes o, int count) {
        if (count > 0) {
            o.varint(0);
        }
    }

    private static void longs(AvroBytes o, long[] column, int n) {
        o.varint(n);
        o.varints(column, n);
        o.varint(0);
    }

    private static void ints(AvroBytes o, int[] column, int n) {
        o.varint(n);
        o.varints(column, n);
        o.varint(0);
    }

    private void optionalLongs(AvroBytes o, long[] column, int bit, int n) {
        o.varint(n);
        o.optionalVarints(column, present, bit, n);
        o.varint(0);
    }

    /** A {@code ["null", long]} union: branch 0 for null, else branch 1 and the value. */
    private static void optional(AvroBytes o, boolean has, long value) {
        if (has) {
            o.varint(1);
            o.varint(value);
        } else {
            o.varint(0);
        }
    }

    private void requireEvents() {
        if (size == 0) {
            throw new IllegalStateException("an empty batch");
        }
    }

    private void clear() {
        minTimestampNs = Long.MAX_VALUE;
        maxTimestampNs = Long.MIN_VALUE;
        Arrays.fill(strings, 0, stringCount, null);
        stringCount = 0;
        Arrays.fill(stringSlots, 0);
        lastKind = null;
        lastIsa = null;
        lastTracepoint = null;
        lastComm = null;
        Arrays.fill(reasonName, 0, reasonCount, null);
        reasonCount = 0;
        Arrays.fill(payload, 0, size, null);
        size = 0;
    }

    /** The string's index in the batch dictionary, added when new; found through its (cached) hash code. */
    private int string(String s) {
        int mask = stringSlots.length - 1;
        int hash = s.hashCode();
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = stringSlots[slot];
            if (entry == 0) {
                break;
            }
            String known = strings[entry - 1];
            if (known == s || (stringHashes[entry - 1] == hash && known.equals(s))) {
                return entry - 1;
            }
        }
        if (stringCount == strings.length) {
            strings = Arrays.copyOf(strings, stringCount * 2);
            stringHashes = Arrays.copyOf(stringHashes, stringCount * 2);
        }
        strings[stringCount] = s;
        stringHashes[stringCount] = hash;
        stringCount++;
        if (stringCount * 2 > stringSlots.length) {
            stringSlots = new int[stringSlots.length * 2];
            for (int i = 0; i < stringCount; i++) {
                slot(strings[i], i);
            }
        } else {
            slot(s, stringCount - 1);
        }
        return stringCount - 1;
    }

    private void slot(String s, int index) {
        int mask = stringSlots.length - 1;
        int slot = s.hashCode() & mask;
        while (stringSlots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        stringSlots[slot] = index + 1;
    }

    private int reason(EventRow e) {
        boolean hasCode = e.has(EventRow.REASON_CODE);
        for (int r = 0; r < reasonCount; r++) {
            if (reasonHasCode[r] == hasCode && (!hasCode || reasonCode[r] == e.reasonCode) && reasonFlags[r] == e.reasonFlags
                    && reasonKnown[r] == e.reasonKnown && reasonName[r].equals(e.reasonName)) {
                return r;
            }
        }
        if (reasonCount == reasonName.length) {
            int more = reasonCount * 2;
            reasonName = Arrays.copyOf(reasonName, more);
            reasonCode = Arrays.copyOf(reasonCode, more);
            reasonHasCode = Arrays.copyOf(reasonHasCode, more);
            reasonFlags = Arrays.copyOf(reasonFlags, more);
            reasonKnown = Arrays.copyOf(reasonKnown, more);
        }
        reasonName[reasonCount] = e.reasonName;
        reasonCode[reasonCount] = hasCode ? e.reasonCode : 0;
        reasonHasCode[reasonCount] = hasCode;
        reasonFlags[reasonCount] = e.reasonFlags;
        reasonKnown[reasonCount] = e.reasonKnown;
        return reasonCount++;
    }

    private void grow() {
        capacity *= 2;
        timestamps = Arrays.copyOf(timestamps, capacity);
        sequenceDelta = Arrays.copyOf(sequenceDelta, capacity);
        lineNumberDelta = Arrays.copyOf(lineNumberDelta, capacity);
        kindIndex = Arrays.copyOf(kindIndex, capacity);
        isaIndex = Arrays.copyOf(isaIndex, capacity);
        tracepointIndex = Arrays.copyOf(tracepointIndex, capacity);
        commIndex = Arrays.copyOf(commIndex, capacity);
        pcpu = Arrays.copyOf(pcpu, capacity);
        vcpu = Arrays.copyOf(vcpu, capacity);
        reason = Arrays.copyOf(reason, capacity);
        present = Arrays.copyOf(present, capacity);
        guestRip = Arrays.copyOf(guestRip, capacity);
        info1 = Arrays.copyOf(info1, capacity);
        info2 = Arrays.copyOf(info2, capacity);
        intrInfo = Arrays.copyOf(intrInfo, capacity);
        errorCode = Arrays.copyOf(errorCode, capacity);
        nestedRip = Arrays.copyOf(nestedRip, capacity);
        nestedVmcb = Arrays.copyOf(nestedVmcb, capacity);
        nestedNestedRip = Arrays.copyOf(nestedNestedRip, capacity);
        nestedIntCtl = Arrays.copyOf(nestedIntCtl, capacity);
        nestedEventInj = Arrays.copyOf(nestedEventInj, capacity);
        nestedTdp = Arrays.copyOf(nestedTdp, capacity);
        nestedGuestPgd = Arrays.copyOf(nestedGuestPgd, capacity);
        payload = Arrays.copyOf(payload, capacity);
        wokenThread = Arrays.copyOf(wokenThread, capacity);
    }
}
