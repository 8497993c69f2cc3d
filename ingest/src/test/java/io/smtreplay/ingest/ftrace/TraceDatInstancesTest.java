package io.smtreplay.ingest.ftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.smtreplay.ingest.parse.CollectingSink;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace.dat with the top buffer and a tracefs instance, recorded here by trace-cmd on the real
 * tracefs (sched events: the instance path does not depend on kvm), read in both file versions:
 * every record of each buffer is an event, as many as {@code trace-cmd report} prints for it,
 * each buffer its own source, and the top buffer's woken threads are those the text parser reads in
 * the report (the sched plugin's printing). The instance is removed afterwards, whatever happens.
 */
class TraceDatInstancesTest {
    private static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    @Test
    void everyRecordOfTheTopBufferAndOfAnInstanceIsReadInVersions7And6(@TempDir Path dir) throws Exception {
        if (!Files.isDirectory(TRACEFS.resolve("instances"))) {
            if (System.getenv("CI") != null) {
                fail("tracefs is not mounted at " + TRACEFS);
            }
            Assumptions.abort("SKIPPED LOUDLY: tracefs is not mounted at " + TRACEFS);
        }
        String instance = "smtreplay-test-" + ProcessHandle.current().pid();
        Path v7 = dir.resolve("instances.dat");
        // -d -k: this sandbox refuses writes to ftrace_enabled; -k leaves the top buffer's events and
        // the instance behind, so both are put back as they were
        List<String> events = Files.readAllLines(TRACEFS.resolve("set_event"));
        String tracingOn = Files.readString(TRACEFS.resolve("tracing_on")).strip();
        try {
            TraceDatFixture.traceCmd(dir, "record", "-d", "-k", "-o", v7.toString(), "-e", "sched:sched_switch",
                    "-B", instance, "-e", "sched:sched_wakeup", "sleep", "0.2");
        } finally {
            Files.deleteIfExists(TRACEFS.resolve("instances").resolve(instance));
            Files.writeString(TRACEFS.resolve("set_event"), events.isEmpty() ? "\n" : String.join("\n", events) + "\n");
            Files.writeString(TRACEFS.resolve("tracing_on"), tracingOn);
        }
        assertEquals(events, Files.readAllLines(TRACEFS.resolve("set_event")), "tracefs events as found");
        Map<String, Long> reported = reportedPerBuffer(dir, v7, instance);
        List<String> reportedTopBuffer = textOfTopBuffer(dir, instance);
        assertTrue(reported.getOrDefault("", 0L) > 0 && reported.getOrDefault(instance, 0L) > 0, reported.toString());

        Path v6 = dir.resolve("instances-v6.dat");
        TraceDatFixture.traceCmd(dir, "convert", "--file-version", "6", "-i", v7.toString(), "-o", v6.toString());
        for (Path file : List.of(v7, v6)) {
            CollectingSink sink = TraceDatFixture.read(file);
            // sched_switch and sched_wakeup are events: each with the thread it makes run, read by field name
            Map<String, Long> read = sink.events.stream().collect(Collectors.groupingBy(
                    e -> e.source().equals(file.toString()) ? "" : e.source().substring(file.toString().length() + 1,
                            e.source().length() - 1), Collectors.counting()));
            assertEquals(reported, read, file.getFileName().toString());
            assertTrue(sink.events.stream().allMatch(e -> e.event().kind().isScheduler() && e.event().wokenThread() != null));
            assertTrue(sink.refused.stream().map(RefusedLine::reason).allMatch(r -> r == RefusalReason.EVENTS_LOST),
                    sink.refused.toString());
            assertEquals(sink.events.size() + sink.refused.size(), sink.summary.lines());
            assertEquals(reportedTopBuffer, topBuffer(sink, file), "trace-cmd report's text and the pages agree");
        }
    }

    /**
     * (thread, tracepoint, woken thread) of the top buffer's events as the text parser reads the
     * {@code trace-cmd report} just run, less the instance's lines (prefixed with its name).
     */
    private static List<String> textOfTopBuffer(Path dir, String instance) throws Exception {
        CollectingSink text = new CollectingSink();
        String top = Files.readAllLines(dir.resolve("trace-cmd.log")).stream().filter(l -> !l.startsWith(instance + ":"))
                .collect(Collectors.joining("\n"));
        text.summary = io.smtreplay.ingest.parse.TraceFileReader.read("report",
                new java.io.ByteArrayInputStream(top.getBytes(java.nio.charset.StandardCharsets.UTF_8)), text);
        return text.events.stream().map(e -> e.event()).map(e -> e.tid() + " " + e.tracepoint() + " " + e.wokenThread())
                .sorted().toList();
    }

    private static List<String> topBuffer(CollectingSink sink, Path file) {
        return sink.events.stream().filter(e -> e.source().equals(file.toString())).map(e -> e.event())
                .map(e -> e.tid() + " " + e.tracepoint() + " " + e.wokenThread()).sorted().toList();
    }

    /** Lines of {@code trace-cmd report} per buffer: an instance's lines start with its name and a colon. */
    private static Map<String, Long> reportedPerBuffer(Path dir, Path file, String instance) throws Exception {
        TraceDatFixture.traceCmd(dir, "report", "-i", file.toString());
        List<String> lines = Files.readAllLines(dir.resolve("trace-cmd.log"));
        return lines.stream().filter(l -> l.contains(": sched_")).collect(Collectors.groupingBy(
                l -> l.startsWith(instance + ":") ? instance : "", Collectors.counting()));
    }
}
