package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.ingest.testing.CommandRun;
import io.smtreplay.ingest.testing.SharedTraces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --rejects FILE} of {@code stat} and {@code project} on the real shared traces: every
 * refused line is in the file, once, in file order, with its reason and its raw text, checked
 * against the source files read here independently of the parser.
 */
class RejectsOptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("source", "line", "reason", "detail", "text");

    @TempDir
    Path dir;

    private static CommandRun stat(String... args) {
        return CommandRun.of((out, err) -> Smtreplay.run(out, err, Cli.with("stat", args)));
    }

    private static CommandRun project(String... args) {
        return CommandRun.of((out, err) -> Smtreplay.run(out, err, Cli.with("project", args)));
    }

    private static String[] args(List<String> options, List<Path> files) {
        return Stream.concat(options.stream(), files.stream().map(Path::toString)).toArray(String[]::new);
    }

    /** A name ending in .gz is read back through {@code GZIPInputStream} ({@link SharedTraces#lines}), which fails on anything but gzip. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stat-rejects.jsonl", "stat-rejects.jsonl.gz"})
    void statKeepsEveryRefusedLineOfTheSharedTracesWithItsReasonAndRawTextInFileOrder(String name) throws Exception {
        List<Path> traces = SharedTraces.all();
        Path rejects = dir.resolve(name);

        CommandRun run = stat(args(List.of("--json", "--rejects", rejects.toString()), traces));

        assertEquals(0, run.code(), run.err());
        JsonNode report = JSON.readTree(run.out());
        List<JsonNode> lines = readRejects(rejects);
        assertTrue(report.get("refused").asLong() > 0, "the shared traces have refused lines");
        assertEquals(report.get("refused").asLong(), lines.size(), "one JSON line per refused line");
        assertEquals(rejects.toString(), report.get("rejectsFile").asText());
        Map<String, Long> byReason = new TreeMap<>();
        report.get("refusedByReason").fields().forEachRemaining(e -> byReason.put(e.getKey(), e.getValue().asLong()));
        assertEquals(byReason, countByReason(lines), "the refused-by-reason counts stay and agree with the file");
        assertEveryRejectIsItsSourceLineInFileOrder(lines, traces);
    }

    @Test
    void statTableSaysWhereTheRejectsWent() throws Exception {
        Path trace = SharedTraces.named("perf-kvm-stat-report-vmx-host-notes-cn.txt");
        Path rejects = dir.resolve("table.jsonl");

        CommandRun run = stat("--rejects", rejects.toString(), trace.toString());

        assertEquals(0, run.code(), run.err());
        Matcher refused = Pattern.compile("refused lines: (\\d+)").matcher(run.out());
        assertTrue(refused.find(), run.out());
        List<JsonNode> lines = readRejects(rejects);
        assertEquals(Long.parseLong(refused.group(1)), lines.size());
        assertTrue(run.out().contains("rejects: " + lines.size() + " line(s) written to " + rejects), run.out());
        assertEveryRejectIsItsSourceLineInFileOrder(lines, List.of(trace));
    }

    @Test
    void projectKeepsEveryRefusedLineAndSaysWhereTheyWent() throws Exception {
        List<Path> traces = SharedTraces.all();
        Path rejects = dir.resolve("project-rejects.jsonl");

        CommandRun run = project(args(List.of("--rejects", rejects.toString()), traces));

        assertEquals(0, run.code(), run.err());
        Matcher input = Pattern.compile("input: \\d+ file\\(s\\), \\d+ lines, \\d+ events, (\\d+) refused line\\(s\\)")
                .matcher(run.out());
        assertTrue(input.find(), run.out());
        List<JsonNode> lines = readRejects(rejects);
        assertEquals(Long.parseLong(input.group(1)), lines.size(), "one JSON line per refused line");
        assertTrue(run.out().contains("rejects: " + lines.size() + " line(s) written to " + rejects), run.out());
        assertEveryRejectIsItsSourceLineInFileOrder(lines, traces);
    }

    @Test
    void projectJsonNamesTheRejectsFileBesideTheRefusedCounts() throws Exception {
        Path trace = SharedTraces.named("vmx-qemu-pckbd-ps2-mouse-ftrace-wrapped-annotated-qemu-devel-2021.txt");
        Path rejects = dir.resolve("project.jsonl");

        CommandRun run = project("--json", "--rejects", rejects.toString(), trace.toString());

        assertEquals(0, run.code(), run.err());
        JsonNode input = JSON.readTree(run.out()).get("input");
        assertEquals(rejects.toString(), input.get("rejectsFile").asText());
        List<JsonNode> lines = readRejects(rejects);
        assertEquals(input.get("refused").asLong(), lines.size());
        assertEveryRejectIsItsSourceLineInFileOrder(lines, List.of(trace));
    }

    @Test
    void aRejectsFileThatCannotBeCreatedIsExitCodeOneBeforeAnyInputIsRead() {
        Path unwritable = dir.resolve("no-such-dir").resolve("rejects.jsonl");
        // the input does not exist either: had it been read first, its error would be the one reported
        String missingInput = dir.resolve("missing-trace.txt").toString();
        String message = "cannot create rejects file " + unwritable + ": no such directory";

        CommandRun stat = stat("--rejects", unwritable.toString(), missingInput);
        CommandRun project = project("--rejects", unwritable.toString(), missingInput);

        assertEquals(1, stat.code());
        assertEquals("smtreplay stat: " + message, stat.err().strip());
        assertEquals(1, project.code());
        assertEquals("smtreplay project: " + message, project.err().strip());
        assertFalse(Files.exists(unwritable));
    }

    @Test
    void anInputFileIsNeverTruncatedAsTheRejectsFile() throws Exception {
        Path trace = dir.resolve("trace.txt");
        Files.copy(SharedTraces.named("nested-svm-smm-rsm-l2-wrapped-lkml-2021.txt"), trace);
        long size = Files.size(trace);

        CommandRun run = stat("--rejects", trace.toString(), trace.toString());

        assertEquals(1, run.code());
        assertTrue(run.err().contains("cannot create rejects file " + trace + ": it is also an input file"), run.err());
        assertEquals(size, Files.size(trace));
    }

    /**
     * /dev/full takes the open and refuses every write: with all the shared traces the buffers
     * fill while reading (the failure comes from inside the parser's sink), with one trace only
     * when the file is closed. Either way one line naming the rejects file, exit code 1, no report.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aRejectsFileThatCannotBeWrittenIsExitCodeOneNamingIt() {
        String full = "/dev/full";
        String message = "cannot write rejects file " + full + ": No space left on device";
        Path one = SharedTraces.named("vmx-qemu-pckbd-ps2-mouse-ftrace-wrapped-annotated-qemu-devel-2021.txt");
        for (List<Path> traces : List.of(SharedTraces.all(), List.of(one))) {
            String[] args = args(List.of("--rejects", full), traces);

            CommandRun stat = stat(args);
            CommandRun project = project(args);

            assertEquals(1, stat.code(), stat.err());
            assertEquals("smtreplay stat: " + message, stat.err().strip());
            assertEquals("", stat.out());
            assertEquals(1, project.code(), project.err());
            assertEquals("smtreplay project: " + message, project.err().strip());
            assertEquals("", project.out());
        }
    }

    @Test
    void dashIsNotARejectsFile() {
        CommandRun run = stat("--rejects", "-", "whatever.txt");

        assertEquals(2, run.code());
        assertTrue(run.err().contains("--rejects takes a file path, not '-'"), run.err());
    }

    /**
     * There are rejects (else nothing is checked); every object has exactly the five fields and a
     * known reason; its text is the line at its number in its source; sources come in command-line
     * order, lines within one in increasing order.
     */
    private static void assertEveryRejectIsItsSourceLineInFileOrder(List<JsonNode> rejects, List<Path> sources)
            throws IOException {
        assertFalse(rejects.isEmpty(), "the traces " + sources + " have refused lines");
        List<String> order = sources.stream().map(Path::toString).toList();
        Map<String, List<String>> raw = new HashMap<>();
        for (Path source : sources) {
            raw.put(source.toString(), SharedTraces.lines(source));
        }
        int lastSource = -1;
        long lastLine = 0;
        for (JsonNode reject : rejects) {
            Set<String> fields = new HashSet<>();
            reject.fieldNames().forEachRemaining(fields::add);
            assertEquals(FIELDS, fields, reject.toString());
            assertDoesNotThrow(() -> RefusalReason.ofCode(reject.get("reason").asText()), reject.toString());
            int source = order.indexOf(reject.get("source").asText());
            long line = reject.get("line").asLong();
            assertTrue(source >= 0, "unknown source in " + reject);
            assertTrue(source > lastSource || source == lastSource && line > lastLine,
                    "out of file order: " + reject + " after line " + lastLine + " of " + lastSource);
            List<String> lines = raw.get(order.get(source));
            assertTrue(line >= 1 && line <= lines.size(), reject.toString());
            assertEquals(lines.get((int) line - 1), reject.get("text").asText(), reject.toString());
            lastSource = source;
            lastLine = line;
        }
    }

    private static Map<String, Long> countByReason(List<JsonNode> rejects) {
        return rejects.stream().collect(Collectors.groupingBy(r -> r.get("reason").asText(), TreeMap::new,
                Collectors.counting()));
    }

    private static List<JsonNode> readRejects(Path file) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        for (String line : SharedTraces.lines(file)) {
            objects.add(JSON.readTree(line));
        }
        return objects;
    }
}
