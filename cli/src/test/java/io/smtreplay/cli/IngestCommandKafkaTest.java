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
import io.smtreplay.schemas.ExitEvent;
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
        Path trace = SharedTraces.named("nested-vmx-dr6-l1-and-l0-views-annotated-lkml-2025.txt");
        Path wrapped = SharedTraces.named("nested-vmx-windows-credential-guard-perf-script-wrapped-bugzilla220549-2025.txt");
        CollectingSink expected = new CollectingSink();
        TraceFileReader.read(trace.toString(), expected);
        CollectingSink expectedWrapped = new CollectingSink();
        TraceFileReader.read(wrapped.toString(), expectedWrapped);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = Smtreplay.run(new PrintStream(out, true, StandardCharsets.UTF_8), errStream, "ingest",
                "--bootstrap", kafka.bootstrapServers(), "--host", "l0-a", "--app", "shop", "--vm", "vm-7",
                "--topic", "events-1", "--dlq-topic", "dlq-1", trace.toString(), wrapped.toString());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        int events = expected.events.size() + expectedWrapped.events.size();
        int refused = expected.refused.size() + expectedWrapped.refused.size();
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("total: " + events + " events sent, " + refused + " lines refused"),
                out.toString(StandardCharsets.UTF_8));

        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        List<ConsumerRecord<String, byte[]>> records = kafka.readAll("events-1", events, Duration.ofSeconds(30));
        assertEquals(events, records.size());
        Map<String, List<ExitEvent>> bySource = records.stream().map(r -> {
            ExitEvent e = codec.decode(r.value());
            assertEquals(ExitEventMapping.partitionKey(e), r.key());
            assertEquals("l0-a", e.getHost());
            assertEquals("vm-7", e.getVm());
            assertEquals("shop", e.getApp());
            return e;
        }).collect(Collectors.groupingBy(ExitEvent::getSource));
        assertSameEvents(expected.events, bySource.get(trace.toString()));
        assertSameEvents(expectedWrapped.events, bySource.get(wrapped.toString()));

        // per-vCPU order is kept: within a key, sequence numbers only grow
        Map<String, Long> lastSequence = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records.stream()
                .sorted(Comparator.comparingInt(ConsumerRecord<String, byte[]>::partition).thenComparingLong(ConsumerRecord::offset))
                .collect(Collectors.toList())) {
            ExitEvent e = codec.decode(r.value());
            String key = r.key() + "@" + e.getSource();
            Long previous = lastSequence.put(key, e.getSequence());
            assertTrue(previous == null || previous < e.getSequence(), "order broken for " + key);
        }

        WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();
        List<RejectedLine> dlq = kafka.readAll("dlq-1", refused, Duration.ofSeconds(30)).stream()
                .map(r -> rejects.decode(r.value())).collect(Collectors.toList());
        assertEquals(refused, dlq.size());
        List<String> expectedDlq = java.util.stream.Stream.concat(expected.refused.stream(), expectedWrapped.refused.stream())
                .map(IngestCommandKafkaTest::describe).sorted().collect(Collectors.toList());
        List<String> actualDlq = dlq.stream()
                .map(r -> r.getSource() + ":" + r.getLineNumber() + ":" + r.getReason() + ":" + r.getLine()).sorted()
                .collect(Collectors.toList());
        assertEquals(expectedDlq, actualDlq);
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
}
