package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.ingest.parse.CollectingSink;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.kafka.local.InProcessKafka;
import io.smtreplay.ingest.testing.SharedTraces;
import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventBatches;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.trace.TraceEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code smtreplay ingest} against a real in-process broker: what goes in comes back, event by event. */
class IngestCommandKafkaTest {
    private static InProcessKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = InProcessKafka.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void publishedEventsComeBackEventByEventAndTheDlqHoldsExactlyTheRefusedLines() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> batched = ingestAndCheck("1");
        List<ConsumerRecord<byte[], byte[]>> single = ingestAndCheck("2", "--record-per-event");
        assertTrue(batched.size() < single.size(), "batches: " + batched.size() + " records for " + single.size() + " events");
        assertTrue(single.stream().noneMatch(r -> WireCodec.exitEventBatches().knows(r.value())), "--record-per-event: no batch");
    }

    /** Ingests two shared traces to topics named with {@code suffix}; checks and returns the events topic's records. */
    private List<ConsumerRecord<byte[], byte[]>> ingestAndCheck(String suffix, String... options) throws Exception {
        Path trace = SharedTraces.named("nested-vmx-dr6-l1-and-l0-views-annotated-lkml-2025.txt");
        Path wrapped = SharedTraces.named("nested-vmx-windows-credential-guard-perf-script-wrapped-bugzilla220549-2025.txt");
        CollectingSink expected = new CollectingSink();
        TraceFileReader.read(trace.toString(), expected);
        CollectingSink expectedWrapped = new CollectingSink();
        TraceFileReader.read(wrapped.toString(), expectedWrapped);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        List<String> args = new java.util.ArrayList<>(List.of("ingest",
                "--bootstrap", kafka.bootstrapServers(), "--host", "l0-a", "--app", "shop", "--vm", "vm-7",
                "--topic", "events-" + suffix, "--dlq-topic", "dlq-" + suffix));
        args.addAll(List.of(options));
        args.addAll(List.of(trace.toString(), wrapped.toString()));
        int code = Smtreplay.run(new PrintStream(out, true, StandardCharsets.UTF_8), errStream, args.toArray(String[]::new));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        int events = expected.events.size() + expectedWrapped.events.size();
        int refused = expected.refused.size() + expectedWrapped.refused.size();
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("total: " + events + " events sent, " + refused + " lines refused"),
                out.toString(StandardCharsets.UTF_8));

        // the committed records in partition and offset order: each vCPU's events in the order sent
        List<ConsumerRecord<byte[], byte[]>> records = CommittedTopic.records(kafka.bootstrapServers(), "events-" + suffix).stream()
                .sorted(Comparator.comparingInt(ConsumerRecord<byte[], byte[]>::partition).thenComparingLong(ConsumerRecord::offset))
                .collect(Collectors.toList());
        List<ExitEvent> all = new java.util.ArrayList<>();
        Map<String, Long> lastSequence = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            for (ExitEvent e : ExitEventBatches.eventsOf(r.value())) {
                assertEquals(ExitEventMapping.partitionKey(e), new String(r.key(), StandardCharsets.UTF_8));
                assertEquals("l0-a", e.getHost());
                assertEquals("vm-7", e.getVm());
                assertEquals("shop", e.getApp());
                // per-vCPU order is kept: within a key, sequence numbers only grow
                String key = ExitEventMapping.partitionKey(e) + "@" + e.getSource();
                Long previous = lastSequence.put(key, e.getSequence());
                assertTrue(previous == null || previous < e.getSequence(), "order broken for " + key);
                all.add(e);
            }
        }
        assertEquals(events, all.size());
        Map<String, List<ExitEvent>> bySource = all.stream().collect(Collectors.groupingBy(ExitEvent::getSource));
        assertSameEvents(expected.events, bySource.get(trace.toString()));
        assertSameEvents(expectedWrapped.events, bySource.get(wrapped.toString()));

        WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();
        List<RejectedLine> dlq = kafka.readAll("dlq-" + suffix, refused, Duration.ofSeconds(30)).stream()
                .map(r -> rejects.decode(r.value())).collect(Collectors.toList());
        assertEquals(refused, dlq.size());
        List<String> expectedDlq = java.util.stream.Stream.concat(expected.refused.stream(), expectedWrapped.refused.stream())
                .map(IngestCommandKafkaTest::describe).sorted().collect(Collectors.toList());
        List<String> actualDlq = dlq.stream()
                .map(r -> r.getSource() + ":" + r.getLineNumber() + ":" + r.getReason() + ":" + r.getLine()).sorted()
                .collect(Collectors.toList());
        assertEquals(expectedDlq, actualDlq);
        return records;
    }

    private static String describe(RefusedLine r) {
        return r.source() + ":" + r.lineNumber() + ":" + r.reason().code() + ":" + r.text();
    }

    private static void assertSameEvents(List<ParsedEvent> expected, List<ExitEvent> actual) {
        List<ExitEvent> sorted = actual.stream().sorted(Comparator.comparingLong(ExitEvent::getSequence)).collect(Collectors.toList());
        assertEquals(expected.size(), sorted.size());
        for (int i = 0; i < expected.size(); i++) {
            TraceEvent decoded = ExitEventMapping.fromAvro(sorted.get(i));
            assertEquals(expected.get(i).event(), decoded, "event " + i);
            assertEquals(expected.get(i).sequence(), sorted.get(i).getSequence());
        }
    }

    @Test
    void anUnreachableBrokerFailsWithAClearMessageWithinTheTimeout() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = Smtreplay.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8), "ingest",
                "--bootstrap", "127.0.0.1:9", "--host", "h", "--app", "a", "--connect-timeout", "2s",
                SharedTraces.named("nested-svm-nested_vmexit-new-format-sysfs-trace-lkml-2020.txt").toString());
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        assertEquals(1, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("no Kafka broker answered at 127.0.0.1:9"), message);
        assertTrue(seconds < 30, "waited " + seconds + " s");
    }

    @Test
    void missingRequiredOptionsAreAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Smtreplay.run(errStream, errStream, "ingest", "--host", "h", "x.txt"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bootstrap"), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Standard input cannot be read again, so no run can resume it: its ingest keeps no progress,
     * while a file's ingest to the same progress topic keeps exactly one record.
     */
    @Test
    void standardInputLeavesNoProgressRecordAndAFileLeavesOne() throws Exception {
        Path trace = SharedTraces.named("nested-vmx-dr6-l1-and-l0-views-annotated-lkml-2025.txt");
        CollectingSink expected = new CollectingSink();
        long lines = TraceFileReader.read(trace.toString(), expected).lines();
        String[] options = {"--bootstrap", kafka.bootstrapServers(), "--host", "l0-a", "--app", "shop",
                "--topic", "events-stdin", "--dlq-topic", "dlq-stdin", "--progress-topic", "progress-stdin"};
        assertEquals(0, Cli.run("ingest", Cli.with(trace.toString(), options)).code());
        assertEquals(1, settledRecords("progress-stdin").size(), "a file's progress");

        java.io.InputStream stdin = System.in;
        try {
            for (int run = 1; run <= 2; run++) {
                System.setIn(java.nio.file.Files.newInputStream(trace));
                io.smtreplay.ingest.testing.CommandRun ingest = Cli.run("ingest", Cli.with("-", options));
                assertEquals(0, ingest.code(), ingest.err());
                assertTrue(ingest.out().contains("-: " + lines + " lines, " + expected.events.size() + " events sent"),
                        ingest.out());
            }
        } finally {
            System.setIn(stdin);
        }
        assertEquals(3 * expected.events.size(), settledRecords("events-stdin").stream()
                .mapToInt(r -> ExitEventBatches.eventsOf(r.value()).size()).sum(), "every run delivered");
        assertEquals(1, settledRecords("progress-stdin").size(), "standard input keeps no progress");
    }

    /**
     * The committed records of {@code topic} once no transaction is open on it. A producer's commit
     * returns before the broker has written the commit markers into every partition, so a reader
     * right after it can find the last stable offset still behind the records just committed
     * (this test saw the progress topic empty so).
     */
    private static List<ConsumerRecord<byte[], byte[]>> settledRecords(String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                    .collect(Collectors.toMap(tp -> tp, tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!endOffsets(admin, partitions, org.apache.kafka.common.IsolationLevel.READ_COMMITTED)
                    .equals(endOffsets(admin, partitions, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED))) {
                assertTrue(System.nanoTime() < deadline, "a transaction stayed open on " + topic + " for 30 s");
                Thread.sleep(50);
            }
        }
        return CommittedTopic.records(kafka.bootstrapServers(), topic);
    }

    private static Map<org.apache.kafka.common.TopicPartition, Long> endOffsets(org.apache.kafka.clients.admin.Admin admin,
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> partitions,
            org.apache.kafka.common.IsolationLevel isolation) throws Exception {
        return admin.listOffsets(partitions, new org.apache.kafka.clients.admin.ListOffsetsOptions(isolation)).all().get()
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
