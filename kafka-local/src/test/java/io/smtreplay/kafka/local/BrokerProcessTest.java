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
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
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

    /** Through the second listener the broker names itself by the advertised host, and serves there. */
    @Test
    void theSecondListenerAdvertisesItsOwnAddress() throws Exception {
        try (BrokerProcess broker = BrokerProcess.startAdvertisedAs("localhost", Duration.ofSeconds(90))) {
            String advertised = broker.advertisedBootstrapServers();
            assertTrue(advertised.startsWith("localhost:"), advertised);
            Node seen = nodeSeenThrough(advertised);
            assertEquals(advertised, seen.host() + ":" + seen.port());
            assertEquals("127.0.0.1", nodeSeenThrough(broker.bootstrapServers()).host());
            TopicAdmin.ensureTopics(advertised, Duration.ofSeconds(30), Map.of("a", 1));
            try (WireProducer producer = new WireProducer(advertised)) {
                producer.send("a", new byte[] {1}, new byte[] {2});
                producer.flush();
            }
            assertEquals(1, CommittedTopic.records(broker.bootstrapServers(), "a").size());
        }
    }

    private static Node nodeSeenThrough(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
        }
    }
}
