package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.local.BrokerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Agent processes SIGKILLed before, during and after a Kafka transaction, each restarted on the
 * same spool, and a last one stopped normally: every spooled record is on the topic exactly once
 * for a {@code read_committed} reader. The spool is filled beforehand with numbered records (the
 * agents also capture whatever the live kernel fires; those are not counted here).
 *
 * <p>The points are made exact rather than hoped for. "After": a directory in place of the spool's
 * {@code committed.tmp} makes noting a commit in the spool fail right after Kafka committed it,
 * the state a crash between the two leaves. "During": the agent is frozen (SIGSTOP) until the
 * events topic shows one of its transactions open, and killed frozen.
 */
class AgentCrashExactlyOnceTest {
    private static final int RECORDS = 150_000;
    private static final String TOPIC = "crash-exits";
    private static final String HOST = "crash-host";

    @Test
    void killedBeforeDuringAndAfterATransactionEveryRecordArrivesOnce() throws Exception {
        try (LiveKernel kernel = LiveKernel.require(); BrokerProcess broker = BrokerProcess.start(Duration.ofMinutes(2))) {
            String bootstrap = broker.bootstrapServers();
            Path spoolDir = kernel.work().resolve("spool");
            try (AgentMetrics metrics = new AgentMetrics(); Spool spool = new Spool(spoolDir, 1L << 30, metrics)) {
                for (int i = 0; i < RECORDS; i++) {
                    spool.append(Spool.TOPIC_EVENTS, i, ("vcpu-" + i % 7).getBytes(StandardCharsets.UTF_8),
                            ("record-" + i).getBytes(StandardCharsets.UTF_8));
                }
                spool.flush();
            }
            String spoolId = Files.readString(spoolDir.resolve("id")).trim();

            // after: Kafka commits a first transaction, the spool cannot note it, the agent is killed
            Path blocker = Files.createDirectory(spoolDir.resolve("committed.tmp"));
            Process first = start(kernel, bootstrap, spoolDir, "after", 600_000);
            long afterFirst = awaitProgressBeyond(bootstrap, spoolId, 0, first);
            kill(first, "after");
            assertEquals(0, spoolCommitted(spoolDir), "the spool did not note the commit Kafka made");
            Files.delete(blocker);

            // before: killed while it starts, before its first transaction
            Process second = start(kernel, bootstrap, spoolDir, "before", 600_000);
            Thread.sleep(300);
            kill(second, "before");
            assertEquals(afterFirst, kafkaProgress(bootstrap, spoolId), "nothing committed by an agent killed at its start");

            // during: frozen (SIGSTOP) until it is caught with a transaction open, then killed
            Process third = start(kernel, bootstrap, spoolDir, "during", 600_000);
            long duringAt = awaitProgressBeyond(bootstrap, spoolId, afterFirst, third);
            killInsideATransaction(third, bootstrap);
            assertTrue(duringAt < RECORDS, "killed with records still to send (" + duringAt + " of " + RECORDS + ")");

            // the last one runs to the end of its duration and drains the spool
            Process last = start(kernel, bootstrap, spoolDir, "last", 3_000);
            assertTrue(last.waitFor(4, TimeUnit.MINUTES), "the last agent did not stop");
            assertEquals(0, last.exitValue(), Files.readString(kernel.work().resolve("agent-last.log")));

            Map<String, Integer> committed = counts(CommittedTopic.records(bootstrap, TOPIC));
            assertEquals(RECORDS, committed.size(), "distinct spooled records on the topic");
            committed.forEach((value, n) -> assertEquals(1, n, value + " on the topic " + n + " times"));
            // the log itself holds more: what the killed agents had sent in open transactions, aborted since
            int inLog = counts(allRecords(bootstrap)).values().stream().mapToInt(Integer::intValue).sum();
            System.err.printf("crash test: %d records committed once, %d in the log with aborted transactions%n",
                    RECORDS, inLog);
            assertTrue(inLog > RECORDS, "a kill landed inside a transaction (its records are in the log, aborted)");
        }
    }

    private static Process start(LiveKernel kernel, String bootstrap, Path spoolDir, String name, long durationMs)
            throws IOException {
        Path tmp = Files.createDirectories(kernel.work().resolve("tmp-" + name));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), AgentProcessMain.class.getName(),
                bootstrap, TOPIC, spoolDir.toString(), HOST, instance(name), Long.toString(durationMs))
                .redirectErrorStream(true).redirectOutput(kernel.work().resolve("agent-" + name + ".log").toFile()).start();
    }

    private static String instance(String name) {
        return "smtreplay-crash-" + ProcessHandle.current().pid() + "-" + name;
    }

    /** SIGKILL, and the tracefs instance it can no longer remove removed. */
    private static void kill(Process p, String name) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "a SIGKILLed agent is gone");
        LiveKernel.removeInstance(instance(name));
    }

    /**
     * Freezes the agent and looks at the events topic: records beyond the last stable offset mean
     * a transaction of the frozen agent is open, and it is killed there; otherwise it runs on a
     * little and is tried again.
     */
    private static void killInsideATransaction(Process agent, String bootstrap) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertTrue(agent.isAlive(), "the agent ended early");
            signal(agent, "STOP");
            Thread.sleep(300);
            if (transactionOpen(bootstrap)) {
                kill(agent, "during");
                return;
            }
            signal(agent, "CONT");
            Thread.sleep(37);
        }
        throw new AssertionError("the agent was never caught inside a transaction within 3 min");
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);
    }

    /** Some partition of the events topic holds records past its last stable offset: an open transaction. */
    private static boolean transactionOpen(String bootstrap) {
        Map<TopicPartition, Long> all = endOffsets(bootstrap, "read_uncommitted");
        Map<TopicPartition, Long> stable = endOffsets(bootstrap, "read_committed");
        return all.entrySet().stream().anyMatch(e -> stable.get(e.getKey()) < e.getValue());
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return c.endOffsets(c.partitionsFor(TOPIC).stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList());
        }
    }

    private static long awaitProgressBeyond(String bootstrap, String spoolId, long position, Process agent) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertTrue(agent.isAlive(), "the agent ended early");
            long now = kafkaProgress(bootstrap, spoolId);
            if (now > position) {
                return now;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no commit beyond " + position + " within 3 min");
    }

    /** The spool position the agent committed in Kafka (0 before any). */
    private static long kafkaProgress(String bootstrap, String spoolId) {
        List<ConsumerRecord<byte[], byte[]>> records;
        try {
            records = CommittedTopic.records(bootstrap, TOPIC + "-progress");
        } catch (RuntimeException notYet) {
            return 0;
        }
        long position = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (("agent/" + HOST).equals(new String(r.key(), StandardCharsets.UTF_8))) {
                String v = new String(r.value(), StandardCharsets.UTF_8);
                assertTrue(v.startsWith(spoolId + ":"), "progress of this spool: " + v);
                position = Long.parseLong(v.substring(spoolId.length() + 1));
            }
        }
        return position;
    }

    private static long spoolCommitted(Path spoolDir) throws IOException {
        Path file = spoolDir.resolve("committed");
        return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
    }

    /** How often each numbered record occurs (live events the agents captured are left out). */
    private static Map<String, Integer> counts(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Integer> n = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            if (v.startsWith("record-")) {
                n.merge(v, 1, Integer::sum);
            }
        }
        return n;
    }

    /** Every record in the log, those of aborted transactions included (read_uncommitted). */
    private static List<ConsumerRecord<byte[], byte[]>> allRecords(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
        Map<TopicPartition, Long> end = endOffsets(bootstrap, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.copyOf(end.keySet());
            c.assign(partitions);
            c.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
