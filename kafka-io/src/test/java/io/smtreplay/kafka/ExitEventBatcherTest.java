package io.smtreplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.schemas.EventKindCode;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventBatches;
import io.smtreplay.schemas.IsaCode;
import io.smtreplay.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitEventBatcherTest {

    private record Sent(String key, byte[] value) {
        boolean batch() {
            return WireCodec.exitEventBatches().knows(value);
        }

        List<ExitEvent> events() {
            return ExitEventBatches.eventsOf(value);
        }
    }

    private final List<Sent> sent = new ArrayList<>();

    private ExitEventBatcher batcher(int maxEvents, Duration linger) {
        return new ExitEventBatcher(new ExitEventBatcher.BatchSettings(maxEvents, linger, false),
                (key, value, newest) -> sent.add(new Sent(new String(key, StandardCharsets.UTF_8), value)));
    }

    private static ExitEvent event(int thread, Long ts, long sequence) {
        return ExitEvent.newBuilder().setHost("h").setApp("a").setThreadId(thread).setTimestampNs(ts)
                .setTracepoint("kvm_entry").setKind(EventKindCode.ENTRY).setIsa(IsaCode.VMX).setPayload("vcpu 0")
                .setSource("f").setSequence(sequence).build();
    }

    @Test
    void fullBatchesGoAtOnceAndEachVcpuKeepsItsOrder() {
        ExitEventBatcher batcher = batcher(3, Duration.ofSeconds(1));
        List<ExitEvent> input = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            input.add(event(i % 2, 1_000L + i, i));
        }
        input.forEach(batcher::add);
        assertEquals(2, sent.size(), "one full batch per vCPU so far");
        assertEquals(2, batcher.pendingEvents());
        batcher.flush();
        assertEquals(4, sent.size());
        assertTrue(sent.stream().allMatch(Sent::batch));
        for (int thread = 0; thread < 2; thread++) {
            String key = "h/" + thread;
            List<ExitEvent> ofThread = sent.stream().filter(s -> s.key().equals(key)).flatMap(s -> s.events().stream()).toList();
            int t = thread;
            assertEquals(input.stream().filter(e -> e.getThreadId() == t).toList(), ofThread);
        }
    }

    /** A batch leaves once the newest timestamp of any vCPU is its linger past the batch's oldest event. */
    @Test
    void lingerIsTraceTime() {
        ExitEventBatcher batcher = batcher(512, Duration.ofNanos(100));
        batcher.add(event(1, 1_000L, 0));
        batcher.add(event(2, 1_050L, 1));
        batcher.add(event(1, 1_099L, 2));
        assertTrue(sent.isEmpty());
        batcher.add(event(2, 1_100L, 3)); // thread 1's batch began at 1000: its linger is over
        assertEquals(1, sent.size());
        assertEquals("h/1", sent.get(0).key());
        assertEquals(2, sent.get(0).events().size());
        assertEquals(2, batcher.pendingEvents());
    }

    /** An event without time goes as a single record, after what its vCPU had in a batch. */
    @Test
    void untimedEventsGoAloneAfterTheirVcpusBatch() {
        ExitEventBatcher batcher = batcher(512, Duration.ofSeconds(1));
        batcher.add(event(1, 1_000L, 0));
        batcher.add(event(1, null, 1));
        assertEquals(2, sent.size());
        assertTrue(sent.get(0).batch());
        assertFalse(sent.get(1).batch());
        assertEquals(1, sent.get(1).events().get(0).getSequence());
    }

    @Test
    void recordPerEventSendsExitEvents() {
        ExitEventBatcher batcher = new ExitEventBatcher(ExitEventBatcher.BatchSettings.RECORD_PER_EVENT,
                (key, value, newest) -> sent.add(new Sent(new String(key, StandardCharsets.UTF_8), value)));
        batcher.add(event(1, 1_000L, 0));
        batcher.add(event(1, 1_001L, 1));
        assertEquals(2, sent.size());
        assertTrue(sent.stream().noneMatch(Sent::batch));
        assertEquals(2, batcher.recordsSent());
    }

    @Test
    void lingerIsBoundedByTheOutOfOrderness() {
        ExitEventBatcher.BatchSettings settings = ExitEventBatcher.BatchSettings.DEFAULT;
        assertEquals(Duration.ofMillis(1), settings.lingerAtMost(Duration.ofMillis(1)).linger());
        assertEquals(settings, settings.lingerAtMost(Duration.ofSeconds(1)));
    }
}
