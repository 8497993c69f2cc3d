package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.local.BrokerProcess;
import io.smtreplay.schemas.ExitEvent;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The broker (its own process) is killed in the middle of a live capture and comes back 30 s
 * later; the guest keeps exiting meanwhile. Every kvm_pio event arrives exactly once: the agent
 * spooled while Kafka was away and drained the spool in order when it returned.
 */
class LiveBrokerOutageTest {
    private static final long EXITS_PER_BURST = 10_000;

    @Test
    void aBrokerDownForThirtySecondsLosesAndDuplicatesNothing() throws Exception {
        try (LiveKernel kernel = LiveKernel.require(); BrokerProcess broker = BrokerProcess.start(Duration.ofMinutes(2))) {
            List<Integer> tids = new java.util.ArrayList<>();
            Agent.Summary summary;
            try (AgentRunner agent = new AgentRunner(broker.bootstrapServers(), kernel.work().resolve("spool"), 16384,
                    "live-outage")) {
                agent.awaitCapturing();
                tids.add(kernel.runGuest(EXITS_PER_BURST));
                broker.kill();
                long down = System.nanoTime();
                tids.add(kernel.runGuest(EXITS_PER_BURST));
                Thread.sleep(Math.max(0, Duration.ofSeconds(30).toMillis() - (System.nanoTime() - down) / 1_000_000));
                broker.restart(Duration.ofMinutes(2));
                tids.add(kernel.runGuest(EXITS_PER_BURST));
                long stopAsked = System.nanoTime();
                summary = agent.stop(Duration.ofMinutes(4));
                System.err.printf("outage: stop took %d ms, %d published, %d left in the spool%n",
                        (System.nanoTime() - stopAsked) / 1_000_000, summary.published(), summary.leftInSpool());
            }
            // a record still in the spool when the agent returned is not in the topic: say so, not as a short count
            assertEquals(0, summary.leftInSpool(), "records the agent left in the spool at stop");
            List<ExitEvent> events = CommittedTopic.readAllEvents(broker.bootstrapServers(), "live-outage");
            Set<Long> sequences = new HashSet<>();
            for (ExitEvent e : events) {
                assertTrue(sequences.add(e.getSequence()), "event " + e.getSequence() + " arrived twice");
            }
            for (int tid : tids) {
                long pio = events.stream().filter(e -> e.getThreadId() == tid && e.getTracepoint().equals("kvm_pio")).count();
                assertEquals(EXITS_PER_BURST, pio, "kvm_pio events of guest thread " + tid);
            }
            assertEquals(sequences.size(), (long) sequences.stream().mapToLong(Long::longValue).max().orElse(-1) + 1,
                    "no gap in the event ordinals: every decoded event arrived");
            assertArrayEquals(new long[summary.kernelLost().length], summary.kernelLost(), "nothing lost in the kernel");
        }
    }
}
