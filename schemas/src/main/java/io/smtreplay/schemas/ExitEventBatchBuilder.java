package io.smtreplay.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects consecutive {@link ExitEvent}s of one vCPU thread into the columns of an
 * {@link ExitEventBatch}: the inverse of {@link ExitEventBatches#events}. Only events that
 * {@link #accepts} says belong to this batch may be added (same host, thread, app, vm and source,
 * with a timestamp). Reusable: {@link #build} empties it.
 */
public final class ExitEventBatchBuilder {

    private String host;
    private int threadId;
    private String vm;
    private String app;
    private String source;
    private long minTimestampNs = Long.MAX_VALUE;
    private long maxTimestampNs = Long.MIN_VALUE;
    private long lastTimestampNs;
    private long lastSequence;
    private long lastLineNumber;

    private final List<String> strings = new ArrayList<>();
    private final Map<String, Integer> stringIndex = new HashMap<>();
    private final List<BatchExitReason> reasons = new ArrayList<>();
    private final Map<BatchExitReason, Integer> reasonIndex = new HashMap<>();

    private final List<Long> timestamps = new ArrayList<>();
    private final List<Long> sequenceDelta = new ArrayList<>();
    private final List<Long> lineNumberDelta = new ArrayList<>();
    private final List<Integer> kindIndex = new ArrayList<>();
    private final List<Integer> isaIndex = new ArrayList<>();
    private final List<Integer> tracepointIndex = new ArrayList<>();
    private final List<Integer> commIndex = new ArrayList<>();
    private final List<Integer> pcpu = new ArrayList<>();
    private final List<Integer> vcpu = new ArrayList<>();
    private final List<Integer> reason = new ArrayList<>();
    private final List<Long> guestRip = new ArrayList<>();
    private final List<Long> info1 = new ArrayList<>();
    private final List<Long> info2 = new ArrayList<>();
    private final List<Long> intrInfo = new ArrayList<>();
    private final List<Long> errorCode = new ArrayList<>();
    private final List<Integer> wokenThread = new ArrayList<>();
    private final List<BatchNestedEntry> nestedEntry = new ArrayList<>();
    private final List<String> payload = new ArrayList<>();

    /** Events added since the last {@link #build}. */
    public int size() {
        return timestamps.size();
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

    /** True when {@code e} can join this batch (always, when it is empty and batchable). */
    public boolean accepts(ExitEvent e) {
        if (!batchable(e)) {
            return false;
        }
        return size() == 0 || (e.getThreadId() == threadId && e.getHost().equals(host) && e.getApp().equals(app)
                && Objects.equals(e.getVm(), vm) && e.getSource().equals(source));
    }

    public void add(ExitEvent e) {
        if (!accepts(e)) {
            throw new IllegalArgumentException("event of " + ExitEventMapping.partitionKey(e) + " from " + e.getSource()
                    + " does not belong to this batch");
        }
        long ts = e.getTimestampNs();
        if (size() == 0) {
            host = e.getHost();
            threadId = e.getThreadId();
            vm = e.getVm();
            app = e.getApp();
            source = e.getSource();
            lastSequence = 0;
            lastLineNumber = 0;
        }
        minTimestampNs = Math.min(minTimestampNs, ts);
        maxTimestampNs = Math.max(maxTimestampNs, ts);
        timestamps.add(ts);
        sequenceDelta.add(e.getSequence() - lastSequence);
        lastSequence = e.getSequence();
        lineNumberDelta.add(e.getLineNumber() - lastLineNumber);
        lastLineNumber = e.getLineNumber();
        kindIndex.add(string(e.getKind().name()));
        isaIndex.add(string(e.getIsa().name()));
        tracepointIndex.add(string(e.getTracepoint()));
        commIndex.add(e.getComm() == null ? -1 : string(e.getComm()));
        pcpu.add(e.getPcpu());
        vcpu.add(e.getVcpu());
        reason.add(e.getExitReasonName() == null ? -1 : reason(e));
        guestRip.add(e.getGuestRip());
        info1.add(e.getInfo1());
        info2.add(e.getInfo2());
        intrInfo.add(e.getIntrInfo());
        errorCode.add(e.getErrorCode());
        nestedEntry.add(NestedEntries.toBatchColumn(e.getNestedEntry()));
        payload.add(e.getPayload());
        wokenThread.add(e.getWokenThread());
    }

    /** The batch of the events added, which are then forgotten. */
    public ExitEventBatch build() {
        if (size() == 0) {
            throw new IllegalStateException("an empty batch");
        }
        List<Long> deltas = new ArrayList<>(timestamps.size());
        long previous = minTimestampNs;
        for (long ts : timestamps) {
            deltas.add(ts - previous);
            previous = ts;
        }
        ExitEventBatch batch = ExitEventBatch.newBuilder()
                .setHost(host).setThreadId(threadId).setMinTimestampNs(minTimestampNs).setCount(size())
                .setVm(vm).setApp(app).setSource(source)
                .setStrings(List.copyOf(strings)).setReasons(List.copyOf(reasons))
                .setTimestampDeltaNs(deltas)
                .setSequenceDelta(new ArrayList<>(sequenceDelta)).setLineNumberDelta(new ArrayList<>(lineNumberDelta))
                .setKindIndex(new ArrayList<>(kindIndex)).setIsaIndex(new ArrayList<>(isaIndex))
                .setTracepointIndex(new ArrayList<>(tracepointIndex)).setCommIndex(new ArrayList<>(commIndex))
                .setPcpu(new ArrayList<>(pcpu)).setVcpu(new ArrayList<>(vcpu)).setReasonIndex(new ArrayList<>(reason))
                .setGuestRip(new ArrayList<>(guestRip)).setInfo1(new ArrayList<>(info1)).setInfo2(new ArrayList<>(info2))
                .setIntrInfo(new ArrayList<>(intrInfo)).setErrorCode(new ArrayList<>(errorCode))
                .setNestedEntry(new ArrayList<>(nestedEntry)).setPayload(new ArrayList<>(payload))
                .setWokenThread(new ArrayList<>(wokenThread))
                .build();
        clear();
        return batch;
    }

    private void clear() {
        minTimestampNs = Long.MAX_VALUE;
        maxTimestampNs = Long.MIN_VALUE;
        strings.clear();
        stringIndex.clear();
        reasons.clear();
        reasonIndex.clear();
        for (List<?> column : List.of(timestamps, sequenceDelta, lineNumberDelta, kindIndex, isaIndex, tracepointIndex,
                commIndex, pcpu, vcpu, reason, guestRip, info1, info2, intrInfo, errorCode, nestedEntry, payload, wokenThread)) {
            column.clear();
        }
    }

    private int string(String s) {
        return indexIn(strings, stringIndex, s);
    }

    private int reason(ExitEvent e) {
        return indexIn(reasons, reasonIndex, BatchExitReason.newBuilder().setName(e.getExitReasonName())
                .setCode(e.getExitReasonCode()).setFlags(e.getExitReasonFlags()).setKnown(e.getExitReasonKnown()).build());
    }

    /** The value's place in a batch dictionary, added at its end when new. */
    private static <T> int indexIn(List<T> dictionary, Map<T, Integer> index, T value) {
        Integer i = index.get(value);
        if (i == null) {
            i = dictionary.size();
            dictionary.add(value);
            index.put(value, i);
        }
        return i;
    }
}
