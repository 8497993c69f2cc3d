package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.local.InProcessKafka;
import io.smtreplay.schemas.ExitEvent;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The agent against the real tracefs while a real KVM guest makes a known number of PIO exits. */
class LivePioCaptureTest {
    private static final long EXITS = 20_000;

    @Test
    void everyPioExitOfTheGuestArrivesOnTheTopicOnce() throws Exception {
        try (LiveKernel kernel = LiveKernel.require(); InProcessKafka kafka = InProcessKafka.start()) {
            int tid;
            Agent.Summary summary;
            try (AgentRunner agent = new AgentRunner(kafka.bootstrapServers(), kernel.work().resolve("spool"), 16384,
                    "live-pio")) {
                agent.awaitCapturing();
                tid = kernel.runGuest(EXITS);
                summary = agent.stop(Duration.ofMinutes(2));
                assertFalse(Files.exists(LiveKernel.TRACEFS.resolve("instances").resolve(agent.instance)),
                        "the agent removes its instance");
            }
            List<ExitEvent> events = CommittedTopic.readAllEvents(kafka.bootstrapServers(), "live-pio");
            List<ExitEvent> pio = events.stream()
                    .filter(e -> e.getThreadId() == tid && e.getTracepoint().equals("kvm_pio")).toList();
            assertEquals(EXITS, pio.size(), "kvm_pio events of the guest's vCPU thread " + tid);
            assertTrue(pio.stream().allMatch(e -> e.getApp().equals("pio-app") && e.getHost().equals("test-host")),
                    "labelled by the comm rule: " + pio.get(0));
            Set<Long> sequences = new HashSet<>();
            events.forEach(e -> assertTrue(sequences.add(e.getSequence()), "sequence " + e.getSequence() + " twice"));
            long previous = Long.MIN_VALUE;
            for (ExitEvent e : events.stream().filter(e -> e.getThreadId() == tid).toList()) {
                assertTrue(e.getTimestampNs() >= previous, "the thread's events in time order");
                previous = e.getTimestampNs();
            }
            assertArrayEquals(new long[summary.kernelLost().length], summary.kernelLost(), "16 MB buffers lose nothing");
        }
    }
}
