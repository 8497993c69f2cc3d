package io.smtreplay.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.TransactionalSender;
import io.smtreplay.kafka.WireProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A {@link TransactionalSender} on a real broker, after a commit that failed. */
class TransactionalSenderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * A second sender of the same key fences the first (what a restarted ingest or agent does to
     * a predecessor still running): the first one's commit fails, and from then on it refuses to
     * send or commit at once, saying why and what to do; the new sender works and resumes.
     */
    @Test
    void afterAFailedCommitOnlyANewSenderWorks() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap, TIMEOUT, Map.of("records", 1));
            try (TransactionalSender first = TransactionalSender.open(bootstrap, TIMEOUT, "progress", "test/fenced")) {
                first.send("records", null, bytes("1"));
                first.commit("1");
                first.send("records", null, bytes("2"));
                try (TransactionalSender second = TransactionalSender.open(bootstrap, TIMEOUT, "progress", "test/fenced")) {
                    assertEquals("1", second.committedProgress());
                    assertThrows(WireProducer.DeliveryException.class, () -> first.commit("2"));

                    long t0 = System.nanoTime();
                    IllegalStateException send = assertThrows(IllegalStateException.class, () -> first.send("records", null, bytes("3")));
                    IllegalStateException commit = assertThrows(IllegalStateException.class, () -> first.commit("3"));
                    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(TIMEOUT) < 0, "refused at once, not after a timeout");
                    for (IllegalStateException e : new IllegalStateException[] {send, commit}) {
                        assertTrue(e.getMessage().startsWith("a commit of this sender failed (")
                                && e.getMessage().endsWith("open a new sender, which resumes after the last committed progress"),
                                e.getMessage());
                    }

                    second.send("records", null, bytes("2'"));
                    second.commit("2");
                }
            }
            assertEquals(java.util.List.of("1", "2'"), CommittedTopic.records(bootstrap, "records").stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
            try (TransactionalSender third = TransactionalSender.open(bootstrap, TIMEOUT, "progress", "test/fenced")) {
                assertEquals("2", third.committedProgress());
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
