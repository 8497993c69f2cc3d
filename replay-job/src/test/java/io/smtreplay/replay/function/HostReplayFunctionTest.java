package io.smtreplay.replay.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.replay.ReplayJob;
import io.smtreplay.ingest.SynthInput;
import io.smtreplay.replay.testing.CorruptMessages;
import io.smtreplay.replay.wire.ExitEventRecordDeserializer;
import io.smtreplay.replay.wire.SourceRecord;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.Workload;
import io.smtreplay.episode.IncompleteReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.TraceFormat;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * One host's replay under Flink's operator test harness (the real operator and keyed state,
 * watermarks given by the test): what the job's end-to-end tests cannot make happen on purpose,
 * an event behind the watermark and a message that only the replay finds corrupt.
 */
class HostReplayFunctionTest {

    private static final long WINDOW_NS = 2_000_000;
    private static final long OUT_OF_ORDERNESS_NS = 50_000;
    private static final CostProfile PROFILE = CostProfiles.defaultProfile();
    private static final Projector PROJECTOR = new Projector(SmtConfiguration.NAMED, PROFILE);
    private static final WireCodec<ExitEvent> CODEC = WireCodec.exitEvents();

    private final List<ExitEvent> events = SynthInput.of(List.of(
            new SynthSpec(Workload.CPUID_LOOP, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 1, 4_000_000, 1, null, true)),
            PROFILE).events();

    @Test
    void inOrderEventsGiveTheOfflineProjection() throws Exception {
        var harness = harness();
        for (ExitEvent e : events) {
            send(harness, CODEC.encode(e), e.getTimestampNs());
        }
        harness.processWatermark(Long.MAX_VALUE);

        ProjectionAccumulator streamed = PROJECTOR.newAccumulator();
        for (HostWindow w : harness.extractOutputValues()) {
            streamed.merge(w.projection);
        }
        TraceProjector offline = new TraceProjector(PROJECTOR);
        events.forEach(e -> offline.accept(e.getApp(), e.getHost(), ExitEventMapping.fromAvro(e)));
        offline.finish();
        ProjectionAccumulator batch = offline.byApp().get(events.get(0).getApp());
        assertTrue(batch.episodes().episodes() > 100, "episodes to compare");
        assertEquals(batch.episodes().episodes(), streamed.episodes().episodes());
        assertEquals(batch.total().baselineNs(), streamed.total().baselineNs());
        assertEquals(batch.total().guestNs(), streamed.total().guestNs());
        assertEquals(0, harness.getSideOutput(Refusals.TAG) == null ? 0 : harness.getSideOutput(Refusals.TAG).size());
        harness.close();
    }

    /**
     * Two vCPUs and L0's backend on one host (netperf-rr: L1's I/O vCPU woken by IPIs and by the
     * backend's scheduler wake-ups): the replay keyed by host shrinks each wait by its cause's
     * saving exactly as offline, one record per event and in batches of each thread's events.
     */
    @Test
    void waitsShrinkByTheirCauseOnAnotherThreadAsOfflineAlsoInBatches() throws Exception {
        List<ExitEvent> netperf = SynthInput.of(List.of(
                new SynthSpec(Workload.NETPERF_RR, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 2, 6_000_000, 5, null, true)),
                PROFILE).events();
        TraceProjector offline = new TraceProjector(PROJECTOR);
        netperf.forEach(e -> offline.accept(e.getApp(), e.getVm(), e.getHost(), ExitEventMapping.fromAvro(e)));
        offline.finish();
        ProjectionAccumulator expected = offline.byApp().get(netperf.get(0).getApp());
        assertTrue(expected.total().explainedWaitNs() > 0, "waits with a cause to shrink");

        for (int batch : List.of(1, 16)) {
            var harness = harness();
            // each thread's events in batches of its own, at the oldest event's time, as the agent sends them
            java.util.Map<Integer, List<ExitEvent>> open = new java.util.LinkedHashMap<>();
            for (ExitEvent e : netperf) {
                List<ExitEvent> of = open.computeIfAbsent(e.getThreadId(), t -> new ArrayList<>());
                of.add(e);
                if (of.size() == batch) {
                    send(harness, batch == 1 ? CODEC.encode(e) : batchOf(of), of.get(0).getTimestampNs());
                    open.remove(e.getThreadId());
                }
            }
            for (List<ExitEvent> rest : open.values()) {
                send(harness, batchOf(rest), rest.get(0).getTimestampNs());
            }
            harness.processWatermark(Long.MAX_VALUE);
            ProjectionAccumulator streamed = PROJECTOR.newAccumulator();
            harness.extractOutputValues().forEach(w -> streamed.merge(w.projection));
            for (String config : expected.configurations()) {
                int i = expected.indexOf(config);
                String what = "batches of " + batch + ", " + config;
                assertEquals(expected.total().projectedWaitNs(i), streamed.total().projectedWaitNs(i), what);
                assertEquals(expected.total().projectedNs(i), streamed.total().projectedNs(i), what);
            }
            assertEquals(expected.total().waitNs(), streamed.total().waitNs());
            assertEquals(expected.total().explainedWaitNs(), streamed.total().explainedWaitNs());
            assertEquals(expected.total().guestNs(), streamed.total().guestNs());
            assertEquals(List.of(), refusals(harness));
            harness.close();
        }
        // restored from snapshots taken while waits were open: the critical path's state is checkpointed too
        List<String> uninterrupted = windows(replayRestoringAfter(netperf, -1));
        for (int cut = 500; cut < netperf.size(); cut += netperf.size() / 4) {
            assertEquals(uninterrupted, windows(replayRestoringAfter(netperf, cut)), "restored after event " + cut);
        }
    }

    /**
     * The agent's {@code EVENTS_LOST} marks (a ring-buffer overrun on the CPU the vCPU ran on)
     * close its open episodes as the offline projector's {@code eventsLost} does: the same
     * episodes, the same incomplete ones, and none of the marks counted as events.
     */
    @Test
    void eventsLostMarksCloseOpenEpisodesAsOffline() throws Exception {
        var harness = harness();
        TraceProjector offline = new TraceProjector(PROJECTOR);
        int marks = 0;
        for (int i = 0; i < events.size(); i++) {
            ExitEvent e = events.get(i);
            send(harness, CODEC.encode(e), e.getTimestampNs());
            offline.accept(e.getApp(), e.getHost(), ExitEventMapping.fromAvro(e));
            // stamped as the agent stamps it, just after the newest event: only where that is before the next one
            boolean gapAfter = i + 1 < events.size() && events.get(i + 1).getTimestampNs() > e.getTimestampNs() + 1;
            if (i % 97 == 40 && gapAfter) {
                ExitEvent mark = ExitEventMapping.eventsLostMark(new Labels(e.getHost(), e.getVm(), e.getApp()), e.getThreadId(),
                        e.getPcpu(), e.getTimestampNs() + 1, 12, "agent", -1);
                send(harness, CODEC.encode(mark), mark.getTimestampNs());
                offline.eventsLost(e.getHost(), e.getPcpu());
                marks++;
            }
        }
        harness.processWatermark(Long.MAX_VALUE);
        offline.finish();

        ProjectionAccumulator streamed = PROJECTOR.newAccumulator();
        for (HostWindow w : harness.extractOutputValues()) {
            streamed.merge(w.projection);
        }
        ProjectionAccumulator batch = offline.byApp().get(events.get(0).getApp());
        assertTrue(marks > 10, "marks sent: " + marks);
        long lostOffline = batch.episodes().incomplete(IncompleteReason.EVENTS_LOST);
        assertTrue(lostOffline > 5, "episodes the marks cut offline: " + lostOffline);
        assertEquals(lostOffline, streamed.episodes().incomplete(IncompleteReason.EVENTS_LOST), "cut by the marks in the job");
        assertEquals(batch.episodes().episodes(), streamed.episodes().episodes());
        assertEquals(batch.total().baselineNs(), streamed.total().baselineNs());
        assertEquals(List.of(), refusals(harness), "a mark is neither refused nor an event");
        harness.close();
    }

    @Test
    void anEventBehindTheWatermarkIsRefusedAsLateWithItsLine() throws Exception {
        var harness = harness();
        ExitEvent first = events.get(0);
        ExitEvent later = events.get(events.size() / 2);
        send(harness, CODEC.encode(later), later.getTimestampNs());
        harness.processWatermark(later.getTimestampNs());
        send(harness, CODEC.encode(first), first.getTimestampNs());

        List<RejectedLine> refused = refusals(harness);
        assertEquals(1, refused.size(), refused.toString());
        RejectedLine late = refused.get(0);
        assertEquals("replay/late", late.getStage() + "/" + late.getReason());
        assertEquals(first.getSource(), late.getSource());
        assertEquals(first.getLineNumber(), late.getLineNumber());
        assertEquals(first.getTracepoint() + ": " + first.getPayload(), late.getLine());
        harness.close();
    }

    /** The source reads only the routing fields: a corrupt enum passes it and is refused here, once. */
    @Test
    void aMessageCorruptBeyondItsRoutingFieldsIsRefusedAsUndecodableOnce() throws Exception {
        var harness = harness();
        ExitEvent e = events.get(0);
        byte[] corrupt = CorruptMessages.withBadKindOrdinal(e);
        send(harness, corrupt, e.getTimestampNs());
        harness.processWatermark(Long.MAX_VALUE);
        // and behind the watermark too: still one refusal, as undecodable, not also as late
        send(harness, corrupt, e.getTimestampNs());

        List<RejectedLine> refused = refusals(harness);
        assertEquals(2, refused.size(), refused.toString());
        for (RejectedLine r : refused) {
            assertEquals("decode/undecodable",
                    r.getStage() + "/" + r.getReason());
            assertEquals(java.util.Base64.getEncoder().encodeToString(corrupt), r.getLine());
            assertEquals("kvm-exits/0/" + 7, r.getSource());
        }
        assertEquals(List.of(), harness.extractOutputValues(), "nothing replayed from it");
        harness.close();
    }


    /**
     * A restore from a checkpoint taken mid-stream (state and timers, as after a TaskManager is
     * lost; the source then resends what followed the checkpoint, and event time starts over)
     * gives the windows of the uninterrupted run, and no more.
     */
    @Test
    void aRunRestoredFromAMidStreamSnapshotEmitsTheUninterruptedRunsWindows() throws Exception {
        List<String> uninterrupted = windows(replayRestoringAfter(events, -1));
        assertTrue(uninterrupted.size() >= 2, "windows to compare: " + uninterrupted);
        for (int cut = 0; cut < events.size(); cut += 97) {
            assertEquals(uninterrupted, windows(replayRestoringAfter(events, cut)), "restored after event " + cut);
        }
    }

    /**
     * A vCPU whose input ends inside an episode (a trace stopped mid-exit; or, after a restore,
     * the rest of its events refused as late): at the end of input its open episode is closed in
     * the window of its last event, as offline, not in a window of its own {@code vcpuIdle} later.
     * The job's app windows assign a vCPU's share by its record's event time, so that time counts.
     */
    @Test
    void anInputEndingInsideAnEpisodeClosesItInTheLastEventsWindow() throws Exception {
        List<ExitEvent> cutShort = events.subList(0, events.size() - 1); // without the final kvm_entry
        ExitEvent last = cutShort.get(cutShort.size() - 1);
        assertTrue(!"ENTRY".equals(last.getKind().name()), "the input ends inside an episode (in L0): " + last.getKind());
        long lastWindow = Math.floorDiv(last.getTimestampNs(), WINDOW_NS) * WINDOW_NS;
        TraceProjector offline = new TraceProjector(PROJECTOR);
        cutShort.forEach(e -> offline.accept(e.getApp(), e.getHost(), ExitEventMapping.fromAvro(e)));
        offline.finish();
        long offlineEpisodes = offline.byApp().get(last.getApp()).episodes().episodes();

        for (int cut : List.of(-1, cutShort.size() / 2)) {
            List<StreamRecord<HostWindow>> emitted = replayRestoringAfter(cutShort, cut);
            long episodes = 0;
            for (StreamRecord<HostWindow> r : emitted) {
                long appWindow = Math.floorDiv(r.getTimestamp(), WINDOW_NS) * WINDOW_NS;
                assertEquals(r.getValue().windowStartNs, appWindow, "restored after " + cut + ": " + windows(emitted));
                assertTrue(appWindow <= lastWindow, "no window after the last event's: " + windows(emitted));
                episodes += r.getValue().projection.episodes().episodes();
            }
            assertEquals(offlineEpisodes, episodes, "restored after " + cut + ": the closed episode counted once");
        }
    }

    /**
     * Batches, each spanning several release ticks and some windows' ends, replay to the per-event
     * windows, also restored from snapshots taken while a batch was half replayed (its decoded
     * columns are not in the snapshot: the restored operator decodes it again and goes on at the
     * first event it had not replayed).
     */
    @Test
    void batchesReplayAsTheirEventsDoAlsoAfterARestoreInsideABatch() throws Exception {
        List<String> uninterrupted = windows(replayRestoringAfter(events, -1));
        for (int batch : List.of(7, 200)) {
            assertEquals(uninterrupted, windows(replayRestoringAfter(events, -1, batch)), "batches of " + batch);
            for (int cut = 0; cut < events.size() / batch; cut += Math.max(1, 97 / batch)) {
                assertEquals(uninterrupted, windows(replayRestoringAfter(events, cut, batch)),
                        "batches of " + batch + ", restored after batch " + cut);
            }
        }
    }

    /** A batch reaching behind the watermark: each event there is refused as late, the rest replayed. */
    @Test
    void eventsOfABatchBehindTheWatermarkAreRefusedEachAsLate() throws Exception {
        var harness = harness();
        List<ExitEvent> batch = events.subList(0, 40);
        long watermark = batch.get(19).getTimestampNs();
        ExitEvent ahead = events.get(100);
        send(harness, CODEC.encode(ahead), ahead.getTimestampNs());
        harness.processWatermark(watermark);
        send(harness, batchOf(batch), batch.get(0).getTimestampNs());

        List<ExitEvent> behind = batch.stream().filter(e -> e.getTimestampNs() <= watermark).toList();
        List<RejectedLine> refused = refusals(harness);
        assertEquals(behind.size(), refused.size(), refused.toString());
        for (int i = 0; i < behind.size(); i++) {
            assertEquals("replay/late", refused.get(i).getStage() + "/" + refused.get(i).getReason());
            assertEquals(behind.get(i).getLineNumber(), refused.get(i).getLineNumber());
            assertEquals(behind.get(i).getTracepoint() + ": " + behind.get(i).getPayload(), refused.get(i).getLine());
        }
        harness.processWatermark(Long.MAX_VALUE);
        long replayed = harness.extractOutputValues().stream().mapToLong(w -> w.projection.episodes().episodes()).sum();
        assertTrue(replayed > 0, "the batch's events ahead of the watermark are replayed");
        harness.close();
    }

    private static byte[] batchOf(List<ExitEvent> batch) {
        io.smtreplay.schemas.ExitEventBatchBuilder builder = new io.smtreplay.schemas.ExitEventBatchBuilder();
        batch.forEach(builder::add);
        return WireCodec.exitEventBatches().encode(builder.build());
    }

    private static List<StreamRecord<HostWindow>> replayRestoringAfter(List<ExitEvent> input, int cut) throws Exception {
        return replayRestoringAfter(input, cut, 1);
    }

    /**
     * Replays {@code input} with the watermark following them, then to the end of input; after
     * record {@code cut} (-1: never) the operator is snapshotted and the rest goes to a new one
     * restored from that snapshot. Returns what both emitted. With {@code batch} over 1, the input
     * goes as batches of that many events, each at its oldest event's time, the watermark
     * following its newest.
     */
    private static List<StreamRecord<HostWindow>> replayRestoringAfter(List<ExitEvent> input, int cut, int batch)
            throws Exception {
        List<StreamRecord<HostWindow>> out = new ArrayList<>();
        var harness = harness(null);
        for (int i = 0; i * batch < input.size(); i++) {
            List<ExitEvent> records = input.subList(i * batch, Math.min(input.size(), (i + 1) * batch));
            ExitEvent e = records.get(records.size() - 1);
            send(harness, batch == 1 ? CODEC.encode(e) : batchOf(records), records.get(0).getTimestampNs());
            harness.processWatermark(e.getTimestampNs() - OUT_OF_ORDERNESS_NS);
            if (i == cut) {
                OperatorSubtaskState snapshot = harness.snapshot(1, 1);
                out.addAll(emitted(harness));
                harness.close();
                harness = harness(snapshot);
            }
        }
        harness.processWatermark(Long.MAX_VALUE);
        out.addAll(emitted(harness));
        harness.close();
        return out;
    }

    private static List<StreamRecord<HostWindow>> emitted(KeyedOneInputStreamOperatorTestHarness<String, WireExit, HostWindow> harness) {
        List<StreamRecord<HostWindow>> records = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                @SuppressWarnings("unchecked")
                StreamRecord<HostWindow> window = (StreamRecord<HostWindow>) r;
                records.add(window);
            }
        }
        return records;
    }

    /**
     * Each emitted window as its start, the app window its record's event time falls in (the
     * job's app windows assign by that time) and what it holds.
     */
    private static List<String> windows(List<StreamRecord<HostWindow>> emitted) {
        return emitted.stream().map(r -> describe(r.getValue(), Math.floorDiv(r.getTimestamp(), WINDOW_NS) * WINDOW_NS)).toList();
    }

    private static String describe(HostWindow w, long appWindowStartNs) {
        return w.app + "@" + w.windowStartNs + " in app window " + appWindowStartNs + ": " + w.projection.episodes().episodes()
                + " episodes, baseline " + w.projection.total().baselineNs() + " ns, guest " + w.projection.total().guestNs()
                + " ns, wait " + w.projection.total().waitNs() + " ns of which explained " + w.projection.total().explainedWaitNs()
                + " ns, projected on svt-hw " + w.projection.total().projectedWaitNs(w.projection.indexOf("svt-hw")) + " ns";
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, WireExit, HostWindow> harness() throws Exception {
        return harness(null);
    }

    /** A replay operator, restored from {@code snapshot} when one is given. */
    private static KeyedOneInputStreamOperatorTestHarness<String, WireExit, HostWindow> harness(OperatorSubtaskState snapshot)
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new HostReplayFunction(PROJECTOR, WINDOW_NS, 1_000_000_000L)),
                (WireExit w) -> w.host, Types.STRING);
        // the job's serializers: the model's state types are Java-serialized, not left to Kryo
        harness.getExecutionConfig().configure(ReplayJob.environmentConfiguration(), HostReplayFunctionTest.class.getClassLoader());
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        return harness;
    }

    /** Through the job's own deserializer, as read from partition 0 at offset 7. */
    private static void send(KeyedOneInputStreamOperatorTestHarness<String, WireExit, HostWindow> harness, byte[] message,
                             long timestamp) throws Exception {
        List<SourceRecord> read = new ArrayList<>();
        new ExitEventRecordDeserializer().deserialize(new ConsumerRecord<>("kvm-exits", 0, 7, null, message),
                new Collector<>() {
                    @Override
                    public void collect(SourceRecord record) {
                        read.add(record);
                    }

                    @Override
                    public void close() {
                    }
                });
        assertEquals(1, read.size());
        assertTrue(read.get(0).isExit(), "the source passes it: " + read.get(0));
        harness.processElement(read.get(0).exit, timestamp);
    }

    private static List<RejectedLine> refusals(KeyedOneInputStreamOperatorTestHarness<String, WireExit, HostWindow> harness) {
        var side = harness.getSideOutput(Refusals.TAG);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }
}
