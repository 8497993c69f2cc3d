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
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * One vCPU's replay under Flink's operator test harness (the real operator and keyed state,
 * watermarks given by the test): what the job's end-to-end tests cannot make happen on purpose,
 * an event behind the watermark and a message that only the replay finds corrupt.
 */
class VcpuReplayTest {

    private static final long WINDOW_NS = 2_000_000;
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
        for (VcpuWindow w : harness.extractOutputValues()) {
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

    private static KeyedOneInputStreamOperatorTestHarness<String, WireExit, VcpuWindow> harness() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new VcpuReplay(PROJECTOR, WINDOW_NS, 1_000_000_000L)),
                (WireExit w) -> w.vcpuKey, Types.STRING);
        // the job's serializers: the model's state types are Java-serialized, not left to Kryo
        harness.getExecutionConfig().configure(ReplayJob.environmentConfiguration(), VcpuReplayTest.class.getClassLoader());
        harness.open();
        return harness;
    }

    /** Through the job's own deserializer, as read from partition 0 at offset 7. */
    private static void send(KeyedOneInputStreamOperatorTestHarness<String, WireExit, VcpuWindow> harness, byte[] message,
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

    private static List<RejectedLine> refusals(KeyedOneInputStreamOperatorTestHarness<String, WireExit, VcpuWindow> harness) {
        var side = harness.getSideOutput(Refusals.TAG);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }
}
