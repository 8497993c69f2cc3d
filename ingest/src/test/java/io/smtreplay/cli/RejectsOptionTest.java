package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.ingest.parse.RefusalReason;
import io.smtreplay.ingest.testing.SharedTraces;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
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

    record Run(int code, String out, String err) {
    }

    private static Run stat(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CliSupport.run(new StatCommand(new PrintStream(out, true, StandardCharsets.UTF_8)),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run project(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ProjectCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] args(List<String> options, List<Path> files) {
        return Stream.concat(options.stream(), files.stream().map(Path::toString)).toArray(String[]::new);
    }

    /** A name ending in .gz is read back through {@link GZIPInputStream}, which fails on anything but gzip. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stat-rejects.jsonl", "stat-rejects.jsonl.gz"})
    void statKeepsEveryRefusedLineOfTheSharedTracesWithItsReasonAndRawTextInFileOrder(String name) throws Exception {
        List<Path> traces = SharedTraces.all();
        Path rejects = dir.resolve(name);

        Run run = stat(args(List.of("--json", "--rejects", rejects.toString()), traces));

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

        Run run = stat("--rejects", rejects.toString(), trace.toString());

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

        Run run = project(args(List.of("--rejects", rejects.toString()), traces));

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

        Run run = project("--json", "--rejects", rejects.toString(), trace.toString());

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

        Run stat = stat("--rejects", unwritable.toString(), missingInput);
        Run project = project("--rejects", unwritable.toString(), missingInput);

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

        Run run = stat("--rejects", trace.toString(), trace.toString());

        assertEquals(1, run.code());
        assertTrue(run.err().contains("cannot create rejects file " + trace + ": it is also an input file"), run.err());
        assertEquals(size, Files.size(trace));
    }

    @Test
    void dashIsNotARejectsFile() {
        Run run = stat("--rejects", "-", "whatever.txt");

        assertEquals(2, run.code());
        assertTrue(run.err().contains("--rejects takes a file path, not '-'"), run.err());
    }

    /**
     * Every object has exactly the five fields and a known reason; its text is the line at its
     * number in its source; sources come in command-line order, lines within one in increasing order.
     */
    private static void assertEveryRejectIsItsSourceLineInFileOrder(List<JsonNode> rejects, List<Path> sources)
            throws IOException {
        List<String> order = sources.stream().map(Path::toString).toList();
        Map<String, List<String>> raw = new HashMap<>();
        for (Path source : sources) {
            raw.put(source.toString(), readLines(source));
        }
        int lastSource = -1;
        long lastLine = 0;
        for (JsonNode reject : rejects) {
            Set<String> fields = new HashSet<>();
            reject.fieldNames().forEachRemaining(fields::add);
            assertEquals(FIELDS, fields, reject.toString());
            String reason = reject.get("reason").asText();
            assertFalse(reason.isEmpty(), reject.toString());
            RefusalReason.ofCode(reason);
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
        for (String line : readLines(file)) {
            objects.add(JSON.readTree(line));
        }
        return objects;
    }

    /** The lines of a file, through {@link GZIPInputStream} when its name ends in .gz. */
    private static List<String> readLines(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().collect(Collectors.toList());
        }
    }
}
