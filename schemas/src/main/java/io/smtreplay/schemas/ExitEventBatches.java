package io.smtreplay.schemas;

import java.util.ArrayList;
import java.util.List;

/**
 * Reading an {@link ExitEventBatch} as the {@link ExitEvent}s it carries, for consumers that want
 * one record per event (and for the job's rare paths: refusing a late event, a topic reader's
 * tests). Names a reader does not know (a kind or ISA added by a newer writer) read as
 * {@code OTHER_KVM} and {@code UNKNOWN}, the enums' own defaults.
 */
public final class ExitEventBatches {

    private static final WireCodec<ExitEvent> EVENTS = WireCodec.exitEvents();
    private static final WireCodec<ExitEventBatch> BATCHES = WireCodec.exitEventBatches();

    private ExitEventBatches() {
    }

    /**
     * The events of one record of the exits topic, whichever form it has: an {@code ExitEvent}
     * (one) or an {@code ExitEventBatch} (its events, in order). How a consumer reads the topic.
     *
     * @throws WireCodec.WireFormatException when the bytes are neither
     */
    public static List<ExitEvent> eventsOf(byte[] message) {
        return BATCHES.knows(message) ? events(BATCHES.decode(message)) : List.of(EVENTS.decode(message));
    }

    /** The batch's events, in the order the producer added them. */
    public static List<ExitEvent> events(ExitEventBatch b) {
        int n = b.getCount();
        List<ExitEvent> out = new ArrayList<>(n);
        List<String> strings = b.getStrings();
        long ts = b.getMinTimestampNs();
        long sequence = 0;
        long line = 0;
        for (int i = 0; i < n; i++) {
            ts += b.getTimestampDeltaNs().get(i);
            sequence += b.getSequenceDelta().get(i);
            line += b.getLineNumberDelta().get(i);
            int r = b.getReasonIndex().get(i);
            BatchExitReason reason = r < 0 ? null : b.getReasons().get(r);
            int comm = b.getCommIndex().get(i);
            out.add(ExitEvent.newBuilder()
                    .setHost(b.getHost()).setVm(b.getVm()).setApp(b.getApp()).setThreadId(b.getThreadId())
                    .setComm(comm < 0 ? null : strings.get(comm))
                    .setPcpu(b.getPcpu().get(i)).setVcpu(b.getVcpu().get(i))
                    .setTimestampNs(ts)
                    .setTracepoint(strings.get(b.getTracepointIndex().get(i)))
                    .setKind(kindCode(strings.get(b.getKindIndex().get(i))))
                    .setIsa(isaCode(strings.get(b.getIsaIndex().get(i))))
                    .setExitReasonName(reason == null ? null : reason.getName())
                    .setExitReasonCode(reason == null ? null : reason.getCode())
                    .setExitReasonFlags(reason == null ? 0 : reason.getFlags())
                    .setExitReasonKnown(reason == null || reason.getKnown())
                    .setGuestRip(b.getGuestRip().get(i)).setInfo1(b.getInfo1().get(i)).setInfo2(b.getInfo2().get(i))
                    .setIntrInfo(b.getIntrInfo().get(i)).setErrorCode(b.getErrorCode().get(i))
                    .setNestedEntry(NestedEntries.fromBatchColumn(b.getNestedEntry().get(i)))
                    .setPayload(b.getPayload().get(i))
                    .setSource(b.getSource()).setSequence(sequence).setLineNumber(line)
                    .setWokenThread(b.getWokenThread() == null ? null : b.getWokenThread().get(i))
                    .build());
        }
        return out;
    }

    /** The kind named, or {@code OTHER_KVM} for a name this reader's schema lacks. */
    public static EventKindCode kindCode(String name) {
        for (EventKindCode k : EventKindCode.values()) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return EventKindCode.OTHER_KVM;
    }

    /** The ISA named, or {@code UNKNOWN}. */
    public static IsaCode isaCode(String name) {
        for (IsaCode isa : IsaCode.values()) {
            if (isa.name().equals(name)) {
                return isa;
            }
        }
        return IsaCode.UNKNOWN;
    }
}
