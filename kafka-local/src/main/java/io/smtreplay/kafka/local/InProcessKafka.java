package io.smtreplay.kafka.local;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import io.smtreplay.kafka.TopicAdmin;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node Kafka (combined KRaft broker and controller) inside this JVM, for {@code smtreplay
 * run} and the tests. It is Kafka's own {@link KafkaClusterTestKit}: the harness the tests use too, it formats
 * the storage, binds free ports on 127.0.0.1 and deletes its directory on {@link #close()}.
 * {@code run} needs no fixed port: only its own producer and job connect to it.
 */
public final class InProcessKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final Path baseDir;

    /**
     * Deletes the data even when the JVM ends without {@link #close()} (SIGTERM); null when the
     * directory is the caller's, who deletes it after closing the broker (a hook of our own would
     * delete it while the broker still writes).
     */
    private final Thread deleteOnExit;

    private InProcessKafka(KafkaClusterTestKit cluster, Path baseDir, boolean ownDir) {
        this.cluster = cluster;
        this.baseDir = baseDir;
        this.deleteOnExit = ownDir ? new Thread(() -> deleteTree(baseDir), "smtreplay-delete-kafka") : null;
        if (ownDir) {
            Runtime.getRuntime().addShutdownHook(deleteOnExit);
        }
    }

    /** Starts a broker whose data lives under a new temporary directory, deleted on close and on exit. */
    public static InProcessKafka start() throws Exception {
        return start(Files.createTempDirectory("smtreplay-kafka-"), true);
    }

    /**
     * Starts a broker whose data lives in {@code baseDir} (created if missing), a folder the
     * caller deletes after {@link #close()}: {@code smtreplay run} keeps it in its run folder.
     */
    public static InProcessKafka startIn(Path baseDir) throws Exception {
        return start(Files.createDirectories(baseDir), false);
    }

    private static InProcessKafka start(Path baseDir, boolean ownDir) throws Exception {
        KafkaClusterTestKit cluster = null;
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDir)
                    .build())
                    // one node: every internal topic with one replica
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    .setConfigProp("min.insync.replicas", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setDeleteOnClose(true)
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new InProcessKafka(cluster, baseDir, ownDir);
        } catch (Exception | Error e) {
            if (cluster != null) {
                cluster.close();
            }
            if (ownDir) {
                deleteTree(baseDir);
            }
            throw e;
        }
    }

    /** The test kit's format step prints the bootstrap metadata on standard output, where run prints its table. */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream stdout = System.out;
        synchronized (System.class) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates the topics (those that exist already are left as they are), through {@link TopicAdmin}. */
    public void createTopics(Map<String, Integer> partitionsByTopic) throws InterruptedException {
        try {
            TopicAdmin.ensureTopics(bootstrapServers(), Duration.ofSeconds(30), partitionsByTopic);
        } catch (TopicAdmin.BrokerUnreachableException e) {
            throw new IllegalStateException("in-process broker: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a topic from the beginning until {@code expected} records arrived or {@code wait}
     * passed, then polls once more, so that a test sees records beyond those it expected.
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected, Duration wait) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        return records;
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            if (deleteOnExit != null) {
                deleteTree(baseDir);
                try {
                    Runtime.getRuntime().removeShutdownHook(deleteOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // closed from another shutdown hook: ours runs too, harmlessly
                }
            }
        }
    }

    /**
     * Deletes a directory tree (it is under the system temp dir). A few passes: while a broker or
     * Flink is still shutting down on another thread it may write a file after a pass walked by,
     * and a tree left behind by a run is what the user complained of (issue 11).
     */
    public static void deleteTree(Path dir) {
        for (int pass = 0; pass < 20 && dir != null && Files.exists(dir); pass++) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a file vanished or appeared during the walk: the next pass sees the new state
            }
            if (Files.exists(dir)) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
