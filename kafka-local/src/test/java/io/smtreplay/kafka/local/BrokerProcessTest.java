package io.smtreplay.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.WireProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The broker process keeps what it acknowledged across a SIGKILL and serves again on the same address. */
class BrokerProcessTest {

    @Test
    void acknowledgedRecordsSurviveAKillAndRestart() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(Duration.ofSeconds(90))) {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), Duration.ofSeconds(30), Map.of("t", 2));
            try (WireProducer producer = new WireProducer(broker.bootstrapServers())) {
                for (int i = 0; i < 100; i++) {
                    producer.send("t", ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[] {(byte) i});
                }
                producer.flush();
            }
            broker.kill();
            assertFalse(broker.isAlive());
            broker.restart(Duration.ofSeconds(90));
            assertTrue(broker.isAlive());
            assertEquals(100, CommittedTopic.records(broker.bootstrapServers(), "t").size());
        }
    }
}
