package io.smtreplay.replay.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node Kafka (combined KRaft broker and controller) inside this JVM, for {@code smtreplay
 * run}. It is Kafka's own {@link KafkaClusterTestKit}: the harness the tests use too, it formats
 * the storage, binds free ports on 127.0.0.1 and deletes its directory on {@link #close()}.
 * {@code run} needs no fixed port: only its own producer and job connect to it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final Path baseDir;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir) {
        this.cluster = cluster;
        this.baseDir = baseDir;
    }

    /** Starts a broker whose data lives under a new temporary directory. */
    public static EmbeddedKafka start() throws Exception {
        Path baseDir = Files.createTempDirectory("smtreplay-kafka-");
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
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setDeleteOnClose(true)
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster, baseDir);
        } catch (Exception | Error e) {
            if (cluster != null) {
                cluster.close();
            }
            deleteTree(baseDir);
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

    /** Creates the topics (those that exist already are left as they are). */
    public void createTopics(Map<String, Integer> partitionsByTopic) throws InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = new ArrayList<>();
            partitionsByTopic.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)));
            try {
                admin.createTopics(topics).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topics " + partitionsByTopic.keySet(), e.getCause());
                }
            }
            awaitLeaders(admin, partitionsByTopic);
        }
    }

    /**
     * Until every partition's leader answers for it: KRaft reports a topic created before its
     * leaders serve it, and a producer writing at once can stall on a partition until its
     * delivery timeout (seen in full builds).
     */
    private static void awaitLeaders(Admin admin, Map<String, Integer> partitionsByTopic) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        partitionsByTopic.forEach((topic, n) -> {
            for (int p = 0; p < n; p++) {
                partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        });
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + partitionsByTopic.keySet() + " have no serving leader after 30 s",
                            notYet.getCause());
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            deleteTree(baseDir);
        }
    }

    /** Deletes a directory tree, best effort (it is under the system temp dir). */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // best effort: the directory is in the system temp dir
        }
    }
}
