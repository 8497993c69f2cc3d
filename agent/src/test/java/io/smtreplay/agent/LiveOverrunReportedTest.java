package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.local.InProcessKafka;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A deliberately tiny ring buffer (8 KiB a CPU) and spool (64 KiB, so the agent reads no faster
 * than Kafka acknowledges): the kernel overwrites events, and the agent reports, CPU by CPU,
 * exactly the losses the kernel's {@code per_cpu/cpuN/stats} count, with a lost-event mark on the
 * dead-letter topic and {@code EVENTS_LOST} marks for the job on the events topic.
 */
class LiveOverrunReportedTest {
    private static final long EXITS = 200_000;

    @Test
    void overrunsAreReportedAsTheKernelCountsThem() throws Exception {
        try (LiveKernel kernel = LiveKernel.require(); InProcessKafka kafka = InProcessKafka.start()) {
            Agent.Summary summary;
            try (AgentRunner agent = new AgentRunner(kafka.bootstrapServers(), kernel.work().resolve("spool"), 8,
                    "live-overrun", 64 << 10)) {
                agent.awaitCapturing();
                kernel.runGuest(EXITS);
                summary = agent.stop(Duration.ofMinutes(3));
            }
            long lost = Arrays.stream(summary.kernelLost()).sum();
            assertTrue(lost > 0, "an 8 KiB buffer under " + EXITS + " exits overruns");
            assertArrayEquals(summary.kernelLost(), summary.reportedLost(), "reported = kernel stats, per CPU");
            List<RejectedLine> marks = CommittedTopic.readAll(kafka.bootstrapServers(), "live-overrun-dlq",
                    WireCodec.rejectedLines()).stream().filter(r -> r.getReason().equals("events-lost")).toList();
            assertTrue(!marks.isEmpty(), "lost-event marks on the dead-letter topic");
            // and on the events topic, for the job: one per vCPU thread last seen on the CPU that overran
            List<ExitEvent> events = CommittedTopic.readAllEvents(kafka.bootstrapServers(), "live-overrun");
            List<ExitEvent> lostMarks = events.stream().filter(ExitEventMapping::isEventsLost).toList();
            assertTrue(!lostMarks.isEmpty(), "EVENTS_LOST marks on the events topic");
            java.util.Set<Integer> threads = events.stream().filter(e -> !ExitEventMapping.isEventsLost(e))
                    .map(ExitEvent::getThreadId).collect(java.util.stream.Collectors.toSet());
            for (ExitEvent m : lostMarks) {
                assertTrue(threads.contains(m.getThreadId()), "a mark names a thread whose events were published: " + m);
            }
        }
    }
}
