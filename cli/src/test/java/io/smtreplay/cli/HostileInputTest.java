package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.ingest.testing.SharedTraces;
import io.smtreplay.ingest.testing.CommandRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs a hostile user gives {@code stat} (issue 11, items 4–9): pipes, lines that overflow a
 * number, a line of 200 MB, a truncated gzip, a closed standard input. Each is read or refused
 * with a reason, the rest of the input still read, and an error is one line with a non-zero exit.
 */
class HostileInputTest {
    private static final String EXIT =
            "  v-10 [001] d.... %s: kvm_exit: vcpu 0 reason HLT rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0\n";
    private static final String ENTRY = "  v-10 [001] d.... %s: kvm_entry: vcpu 0, rip 0x2\n";

    private record Result(int code, String out, String err) {
    }

    private static Result stat(String... args) {
        CommandRun run = Cli.run("stat", args);
        return new Result(run.code(), run.out(), run.err());
    }

    private static JsonNode json(Result r) throws IOException {
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    /** A child JVM running stat, for what a test JVM cannot do to itself (its heap, its fd 0). */
    private static Result statInChildJvm(String shellRedirect, String... jvmOptionsThenArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(jvmOptionsThenArgs));
        StringBuilder line = new StringBuilder("exec");
        for (String c : command) {
            line.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        line.append(' ').append(shellRedirect);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line.toString());
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not end");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void aNamedPipeIsReadWithoutSeeking(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("trace.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write((String.format(EXIT, "1.000000") + String.format(ENTRY, "1.000010")).getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        JsonNode json = json(stat("--json", fifo.toString()));
        writer.join();
        assertEquals(2, json.get("events").asLong());
        assertEquals(1, json.get("exits").asLong());
    }

    @Test
    void aProcessSubstitutionIsReadWithoutSeeking() throws Exception {
        Path trace = SharedTraces.named("nested-vmx-jailhouse-l1-l2-io-loop-lkml-2019.txt");
        Result r = statInChildJvm("<(cat '" + trace + "')", "io.smtreplay.cli.Smtreplay", "stat");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Lines read: 17   events: 17   refused lines: 0"), r.out());
    }

    @Test
    void hostileNumbersAreRefusedAndTheRestIsRead(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.txt");
        Files.writeString(trace, "CPU:3 [LOST 9999999999999999999 EVENTS]\n"
                + String.format(EXIT, "9300000000.000000") // beyond 2^63 ns: refused
                + String.format(ENTRY, "9000000000.000000")
                + String.format(EXIT, "9223372036.854775") // the last second a long holds
                + String.format(ENTRY, "9223372036.854775")
                + String.format(EXIT, "9223372037.000000")
                + String.format(EXIT, "2.000000")
                + String.format(ENTRY, "1.000000")); // an entry before its exit: no handling time, no negative value
        JsonNode json = json(stat("--json", trace.toString()));
        assertEquals(8, json.get("lines").asLong());
        assertEquals(5, json.get("events").asLong());
        assertEquals(1, json.get("refusedByReason").get("events-lost").asLong());
        assertEquals(2, json.get("refusedByReason").get("out-of-range").asLong());
        JsonNode hlt = json.get("exitsByReason").get(0);
        assertEquals(2, hlt.get("samples").asLong());
        assertEquals(1, hlt.get("timedSamples").asLong());
        assertEquals(0, hlt.get("maxNs").asLong());
    }

    @Test
    void linesAreEventsRefusedOrJoinedOnEverySharedTrace() throws IOException {
        List<String> files = SharedTraces.all().stream().map(Path::toString).toList();
        List<String> args = new ArrayList<>(files);
        args.add(0, "--json");
        JsonNode json = json(stat(args.toArray(String[]::new)));
        long joinedSomewhere = 0;
        for (JsonNode f : json.get("files")) {
            assertEquals(f.get("lines").asLong(), f.get("events").asLong() + f.get("refused").asLong() + f.get("joined").asLong(),
                    f.get("source").asText());
            joinedSomewhere += f.get("joined").asLong() > 0 ? 1 : 0;
        }
        assertEquals(files.size(), json.get("files").size());
        assertTrue(joinedSomewhere > 0, "no trace joined a line: the identity would hold without joins");
        assertEquals(json.get("lines").asLong(),
                json.get("events").asLong() + json.get("refused").asLong() + json.get("joined").asLong());
    }

    @Test
    void aWrappedMailTraceCountsItsJoinedLinesInTheTable() {
        Path trace = SharedTraces.named("nested-vmx-windows-credential-guard-perf-script-wrapped-bugzilla220549-2025.txt");
        String table = stat(trace.toString()).out();
        assertTrue(table.matches("(?s).*Lines read: \\d+   events: \\d+   refused lines: \\d+   joined into events: [1-9]\\d*\\n.*"),
                table);
    }

    @Test
    void aLineOf200MegabytesIsRefusedInBoundedMemory(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("long-line.txt.gz");
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'x');
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(trace), 1 << 16)) {
            out.write(String.format(EXIT, "1.000000").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 200; i++) {
                out.write(chunk);
            }
            out.write('\n');
            out.write(String.format(ENTRY, "1.000010").getBytes(StandardCharsets.US_ASCII));
        }
        Result r = statInChildJvm("", "-Xmx64m", "io.smtreplay.cli.Smtreplay", "stat", "--json", trace.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(3, json.get("lines").asLong());
        assertEquals(2, json.get("events").asLong());
        assertEquals(1, json.get("refusedByReason").get("truncated").asLong());
        assertEquals(1, json.get("exitsByReason").get(0).get("timedSamples").asLong(), "the exit pairs with the entry after the long line");
    }

    @Test
    void aTruncatedGzipReportsTheLinesBeforeTheCutThenFails(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            for (int i = 0; i < 20_000; i++) {
                out.write(String.format(EXIT, String.format("%d.%06d", 1 + i / 100_000, i * 10 % 1_000_000))
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
        Path trace = dir.resolve("cut.txt.gz");
        byte[] whole = gz.toByteArray();
        Files.write(trace, Arrays.copyOf(whole, whole.length / 2));
        Result r = stat(trace.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().startsWith("smtreplay stat: cannot read " + trace + ": "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        String counts = r.out().lines().filter(l -> l.startsWith("Lines read: ")).findFirst().orElseThrow();
        long lines = Long.parseLong(counts.replaceAll("Lines read: (\\d+) .*", "$1"));
        assertTrue(lines > 1000 && lines < 20_000, counts);
    }

    @Test
    void aClosedStandardInputIsAnError() throws Exception {
        Result r = statInChildJvm("<&-", "io.smtreplay.cli.Smtreplay", "stat", "-");
        assertEquals(1, r.code(), r.out());
        assertEquals("smtreplay stat: standard input is closed", r.err().strip());
    }
}
