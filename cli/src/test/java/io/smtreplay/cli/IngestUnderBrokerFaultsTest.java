package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.testing.CommandRun;
import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.local.BrokerProcess;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventBatches;
import io.smtreplay.schemas.WireCodec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest} against a broker that runs as its own process and is killed (SIGKILL) mid-file
 * (issue 11, item 3). Restarted within the delivery timeout, the ingest rides it out; down longer,
 * the ingest stops, says per file what was and was not delivered, and the same command re-run
 * sends only the rest. Either way a {@code read_committed} reader sees every record of a clean
 * ingest of the same file exactly once.
 */
class IngestUnderBrokerFaultsTest {

    @TempDir
    static Path dir;
    private static BrokerProcess broker;
    private static Path trace;
    private static Map<ByteBuffer, Long> clean;

    @BeforeAll
    static void cleanIngest() throws Exception {
        broker = BrokerProcess.start(Duration.ofSeconds(240));
        trace = dir.resolve("host-a.txt");
        CommandRun synth = Cli.run("synth", "--workload", "memcached", "--duration", "400ms", "-o", trace.toString());
        assertEquals(0, synth.code(), synth.err());
        CommandRun run = ingest("clean", "2m");
        assertEquals(0, run.code(), run.err());
        clean = values("clean");
        System.err.printf("trace: %d lines, %d records%n", Files.readAllLines(trace).size(), total(clean));
        assertTrue(total(clean) > 3 * 20_000, "several transactions' worth of records: " + total(clean));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aBrokerRestartWithinTheDeliveryTimeoutLosesAndDuplicatesNothing() throws Exception {
        CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> ingest("ridden", "2m"));
        awaitCommitted("ridden", run);
        broker.kill();
        Thread.sleep(2_000);
        broker.restart(Duration.ofSeconds(240));
        CommandRun done = run.get(4, TimeUnit.MINUTES);
        assertEquals(0, done.code(), done.err());
        assertEquals(clean, values("ridden"), "every record of the clean ingest, once");
    }

    @Test
    void anOutageLongerThanTheDeliveryTimeoutStopsAndTheReRunSendsOnlyTheRest() throws Exception {
        CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> ingest("resumed", "5s"));
        awaitCommitted("resumed", run);
        broker.kill();
        CommandRun stopped = run.get(3, TimeUnit.MINUTES);
        broker.restart(Duration.ofSeconds(240));
        assertEquals(1, stopped.code(), stopped.err());
        assertTrue(stopped.out().contains(trace + ": NOT delivered whole: its first "), stopped.out());
        assertTrue(stopped.err().contains("re-run the same command to send the rest"), stopped.err());
        assertEquals(1, stopped.err().lines().filter(l -> l.startsWith("smtreplay ingest: ")).count(), stopped.err());

        CommandRun resumed = ingest("resumed", "2m");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming after the "), resumed.err());
        assertEquals(clean, values("resumed"), "every record of the clean ingest, once");
    }

    /**
     * The ingest process SIGKILLed mid-file, after some transactions committed: the same command
     * re-run sends exactly the rest (the delivered count commits with the records, so no
     * transaction is sent twice), and a third run of the now delivered file sends nothing.
     */
    @Test
    void anIngestKilledMidFileAndReRunSendsEveryRecordOnce() throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Smtreplay.class.getName()));
        command.addAll(ingestArguments("killed", "2m"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed-ingest.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!hasRecords("killed-progress")) {
                assertTrue(process.isAlive(), "the ingest ended before it was killed: " + Files.readString(dir.resolve("killed-ingest.log")));
                assertTrue(System.nanoTime() < deadline, "no transaction committed within 3 min");
                Thread.sleep(20);
            }
        } finally {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(total(values("killed")) < total(clean), "killed mid-file: " + total(values("killed")));
        CommandRun resumed = ingest("killed", "2m");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming after the "), resumed.err());
        assertEquals(clean, values("killed"), "every record of the clean ingest, once");

        CommandRun again = ingest("killed", "2m");
        assertEquals(0, again.code(), again.err());
        assertEquals(clean, values("killed"), "a file delivered whole is not sent again");
    }

    private static CommandRun ingest(String topic, String deliveryTimeout) {
        List<String> a = ingestArguments(topic, deliveryTimeout);
        return Cli.run(a.get(0), a.subList(1, a.size()).toArray(String[]::new));
    }

    private static List<String> ingestArguments(String topic, String deliveryTimeout) {
        return List.of("ingest", "--bootstrap", broker.bootstrapServers(), "--host", "host-a", "--app", "a",
                "--topic", topic, "--dlq-topic", topic + "-dlq", "--partitions", "2", "--delivery-timeout", deliveryTimeout,
                "--connect-timeout", "60s", "--progress-topic", topic + "-progress", trace.toString());
    }

    /** Waits until a first transaction of the ingest is committed, so the broker dies mid-file. */
    private static void awaitCommitted(String topic, CompletableFuture<CommandRun> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                throw new AssertionError("the ingest ended before the fault: " + run.get().out() + run.get().err());
            }
            if (hasRecords(topic + "-progress")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no transaction committed within 3 min");
    }

    /** True once a transaction committed its progress (false while the topic does not exist yet). */
    private static boolean hasRecords(String topic) {
        try {
            return !CommittedTopic.records(broker.bootstrapServers(), topic).isEmpty();
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /**
     * Every committed event of the topic (each as its one-record encoding: batch boundaries differ
     * between a clean and a resumed ingest, the events must not) and every refused line of its
     * dead-letter topic, with how often each is there.
     */
    private static Map<ByteBuffer, Long> values(String topic) {
        WireCodec<ExitEvent> single = WireCodec.exitEvents();
        Stream<ByteBuffer> events = CommittedTopic.records(broker.bootstrapServers(), topic).stream()
                .flatMap(r -> ExitEventBatches.eventsOf(r.value()).stream())
                .map(e -> ByteBuffer.wrap(single.encode(e)));
        Stream<ByteBuffer> refused = CommittedTopic.records(broker.bootstrapServers(), topic + "-dlq").stream()
                .map(r -> ByteBuffer.wrap(r.value()));
        return Stream.concat(events, refused).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static long total(Map<ByteBuffer, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
