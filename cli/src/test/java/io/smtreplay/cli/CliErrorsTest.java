package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.testing.CommandRun;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every subcommand, as a user meets its errors: a missing input file, an unknown option and an
 * output that cannot be written each give exactly one line {@code smtreplay <cmd>: <why>} on
 * standard error, no stack trace, and the exit code of the one error path (1 error, 2 usage).
 */
class CliErrorsTest {

    private static final String MISSING = "/nonexistent/smtreplay-input.txt";

    @TempDir
    static Path dir;
    private static Path trace;

    @BeforeAll
    static void smallTrace() throws IOException {
        trace = dir.resolve("small.txt");
        Files.writeString(trace, String.join("\n",
                " CPU 0/KVM-1234  [001] ....  100.000001: kvm_exit: reason CPUID rip 0x1 info 0 0",
                " CPU 0/KVM-1234  [001] ....  100.000002: kvm_entry: vcpu 0", ""));
    }

    /** Each subcommand with an argument list that names a file that does not exist. */
    static Stream<Arguments> missingFile() {
        return Stream.of(
                Arguments.of("stat", List.of(MISSING)),
                Arguments.of("project", List.of(MISSING)),
                Arguments.of("ingest", List.of("--bootstrap", "127.0.0.1:9", "--host", "h", "--app", "a", MISSING)),
                Arguments.of("run", List.of(MISSING)),
                Arguments.of("replay", List.of("--bootstrap", "127.0.0.1:9", "--config-file", MISSING)),
                Arguments.of("synth", List.of("--workload", "idle", "--profile", MISSING, "-o", "-")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missingFile")
    void aMissingFileIsOneLineAndExitOne(String command, List<String> args) {
        CommandRun run = Cli.run(command, args.toArray(String[]::new));
        assertOneLine(run, command, "/nonexistent/smtreplay-input.txt");
        // a missing input is an error; a missing --profile or --config-file, a usage error
        boolean option = command.equals("synth") || command.equals("replay");
        assertEquals(option ? 2 : 1, run.code(), command + ": " + run.err());
    }

    /** Each subcommand with otherwise valid arguments (picocli reports a missing required one first). */
    static Stream<Arguments> validArguments() {
        return Stream.of(
                Arguments.of("run", List.of()),
                Arguments.of("replay", List.of("--bootstrap", "127.0.0.1:9")),
                Arguments.of("ingest", List.of("--bootstrap", "127.0.0.1:9", "--host", "h", "--app", "a", "x.txt")),
                Arguments.of("stat", List.of("x.txt")),
                Arguments.of("project", List.of("x.txt")),
                Arguments.of("synth", List.of("--workload", "idle", "-o", "-")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validArguments")
    void anUnknownOptionIsOneLineAndExitTwo(String command, List<String> valid) {
        List<String> args = new java.util.ArrayList<>(valid);
        args.add(0, "--no-such-option");
        CommandRun run = Cli.run(command, args.toArray(String[]::new));
        assertEquals(2, run.code(), run.err());
        assertOneLine(run, command, "Unknown option: '--no-such-option'");
    }

    /** Output to a full device (the report would be lost): one line and exit 1, never 0. */
    static Stream<Arguments> unwritableOutput() {
        return Stream.of(
                Arguments.of("stat", List.of("--json", "{trace}")),
                Arguments.of("project", List.of("{trace}")),
                Arguments.of("synth", List.of("--workload", "idle", "--duration", "1ms", "-o", "-", "--quiet")),
                Arguments.of("synth", List.of("--workload", "idle", "--duration", "1ms", "-o", "/nonexistent/dir/t.txt")),
                Arguments.of("stat", List.of("--rejects", "/nonexistent/dir/r.jsonl", "{trace}")),
                // the whole local pipeline runs, then its table cannot be printed
                Arguments.of("run", List.of("--window", "1s", "{trace}")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unwritableOutput")
    void anUnwritableOutputIsOneLineAndExitOne(String command, List<String> args) throws IOException {
        String[] argv = args.stream().map(a -> a.replace("{trace}", trace.toString())).toArray(String[]::new);
        CommandRun run;
        try (PrintStream full = new PrintStream(new FileOutputStream("/dev/full"), true)) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = Smtreplay.run(full, new PrintStream(err, true), Cli.with(command, argv));
            run = new CommandRun(code, "", err.toString());
        }
        assertEquals(1, run.code(), run.err());
        assertOneLine(command.equals("run") ? withoutProgress(run) : run, command, command.equals("run") ? "cannot write the output" : "");
    }

    /**
     * Inputs and option files a command cannot use (issue 11, item 12): a directory, a truncated
     * gzip, a full device, a profile or configuration file that is not one. One line naming the
     * file, exit 1 for an input or output, 2 for an option's file; no stack trace.
     */
    static Stream<Arguments> unusableFiles() {
        return Stream.of(
                Arguments.of("project", List.of("{dir}"), 1, "cannot read {dir}: Is a directory"),
                Arguments.of("project", List.of("{cut}"), 1, "cannot read {cut}: Unexpected end of ZLIB input stream"),
                Arguments.of("run", List.of("--metrics-port", "0", "{dir}"), 1, "cannot read {dir}: it is a directory"),
                // Kafka and Flink start, the lines before the cut are read, then the run ends naming the file
                Arguments.of("run", List.of("--metrics-port", "0", "{cut}"), 1, "cannot read {cut}: Unexpected end of ZLIB input stream"),
                Arguments.of("run", List.of("--metrics-port", "0", "--profile", "{bad}"), 2, "{bad}: missing \"name\""),
                Arguments.of("run", List.of("--metrics-port", "0", "--config-file", "{bad}"), 2, "{bad}: expected {\"configurations\""),
                Arguments.of("run", List.of("--metrics-port", "0", "--profile", "{dir}"), 2, "it is a directory, not a profile file"),
                Arguments.of("replay", List.of("--bootstrap", "127.0.0.1:9", "--profile", "no-such-profile"), 2, "no published profile no-such-profile"),
                Arguments.of("replay", List.of("--bootstrap", "127.0.0.1:9", "--config-file", "{dir}"), 2, "{dir}: cannot read configurations"),
                Arguments.of("synth", List.of("--workload", "idle", "--profile", "{dir}", "-o", "-"), 2, "it is a directory, not a profile file"),
                Arguments.of("synth", List.of("--workload", "idle", "--profile", "{cut}", "-o", "-"), 2, "{cut}: not valid JSON"),
                Arguments.of("synth", List.of("--workload", "idle", "--duration", "1ms", "-o", "{dir}"), 1, "cannot write {dir}: Is a directory"),
                Arguments.of("synth", List.of("--workload", "idle", "--duration", "1ms", "-o", "/dev/null", "--truth", "/dev/full"), 1,
                        "cannot write the ground truth to /dev/full: No space left on device"),
                Arguments.of("synth", List.of("--workload", "idle", "--duration", "1ms", "-o", "/dev/null", "--truth", "{dir}"), 1,
                        "cannot write the ground truth to {dir}: Is a directory"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unusableFiles")
    void anUnusableFileIsOneLineNamingIt(String command, List<String> args, int code, String mentions) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("a-directory"));
        Path cut = dir.resolve("cut.txt.gz");
        if (!Files.exists(cut)) {
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            try (var out = new java.util.zip.GZIPOutputStream(gz)) {
                out.write(Files.readString(trace).repeat(2000).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            Files.write(cut, java.util.Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
        }
        Path bad = dir.resolve("not-a-profile.json");
        Files.writeString(bad, "{\"nope\": 1}");
        java.util.function.UnaryOperator<String> fill = a -> a.replace("{dir}", sub.toString()).replace("{cut}", cut.toString())
                .replace("{bad}", bad.toString());
        CommandRun run = Cli.run(command, args.stream().map(fill).toArray(String[]::new));
        assertEquals(code, run.code(), run.err());
        assertOneLine(command.equals("run") ? withoutProgress(run) : run, command, fill.apply(mentions));
    }

    /** run's own progress lines (kafka:, flink:, ingest:) and Flink's warnings left out; errors and stack traces kept. */
    private static CommandRun withoutProgress(CommandRun run) {
        return new CommandRun(run.code(), run.out(), run.err().lines()
                .filter(l -> l.startsWith("smtreplay ") || l.contains("Exception") || l.startsWith("\tat "))
                .reduce("", (a, b) -> a + b + "\n"));
    }

    /**
     * Arguments the commands refuse before doing anything (issue 11, item 12): one line naming the
     * problem, exit 2, for {@code run} and {@code replay} as for every other command.
     */
    static Stream<Arguments> refusedArguments() throws IOException {
        int busy = BUSY_PORT.getLocalPort();
        return Stream.of(
                Arguments.of("replay", List.of("--bootstrap", "", "--bounded"), "--bootstrap is empty"),
                Arguments.of("ingest", List.of("--bootstrap", " ", "--host", "h", "--app", "a", "{trace}"), "--bootstrap is empty"),
                Arguments.of("ingest", List.of("--bootstrap", "127.0.0.1:9", "--host", "h", "--app", "a", "--batch-events", "0",
                        "{trace}"), "--batch-events must be at least 1"),
                Arguments.of("run", List.of("--parallelism", "0"), "parallelism must be at least 1"),
                Arguments.of("replay", List.of("--bootstrap", "127.0.0.1:9", "--parallelism", "0"), "parallelism must be at least 1"),
                Arguments.of("run", List.of("--metrics-port", "70000"), "--metrics-port 70000 is not a port"),
                Arguments.of("run", List.of("--metrics-port", String.valueOf(busy)), "--metrics-port " + busy + " is in use"),
                Arguments.of("replay", List.of("--bootstrap", "127.0.0.1:9", "--metrics-port", String.valueOf(busy)),
                        "--metrics-port " + busy + " is in use"),
                Arguments.of("synth", List.of("--workload", "idle", "--duration", "100000m", "-o", "-"),
                        "of trace time synth writes at most"),
                Arguments.of("agent", List.of("--bootstrap", "127.0.0.1:9", "--decode-nice", "20"), "--decode-nice must be 0..19, not 20"),
                Arguments.of("agent", List.of("--bootstrap", "127.0.0.1:9", "--page-queue-mb", "0"), "--page-queue-mb must be at least 1"));
    }

    private static final java.net.ServerSocket BUSY_PORT = busyPort();

    private static java.net.ServerSocket busyPort() {
        try {
            return new java.net.ServerSocket(0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refusedArguments")
    void refusedArgumentsAreOneLineAndExitTwo(String command, List<String> args, String mentions) {
        String[] argv = args.stream().map(a -> a.replace("{trace}", trace.toString())).toArray(String[]::new);
        CommandRun run = Cli.run(command, argv);
        assertEquals(2, run.code(), run.err());
        assertOneLine(run, command, mentions);
        assertEquals("", run.out());
    }

    /** A cost no world switch could take (1e300 µs) is refused when the profile loads, naming the file and the cost. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commandsWithProfiles")
    void anAbsurdCostIsRefusedAtLoad(String command, int code, List<String> args) throws IOException {
        Path profile = dir.resolve("absurd.json");
        try (var in = io.smtreplay.profile.CostProfiles.class.getResourceAsStream("/profiles/hyperturtle-silver4216.json")) {
            Files.writeString(profile, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replaceFirst("\"us\": [0-9.]+", "\"us\": 1e300"));
        }
        String[] argv = args.stream().map(a -> a.replace("{trace}", trace.toString()).replace("{profile}", profile.toString()))
                .toArray(String[]::new);
        CommandRun run = Cli.run(command, argv);
        assertEquals(code, run.code(), run.err());
        assertOneLine(run, command, "us is above the 1000 ms");
    }

    static Stream<Arguments> commandsWithProfiles() {
        return Stream.of(
                // an unusable profile is a usage error, in project as in the job's options
                Arguments.of("project", 2, List.of("--profile", "{profile}", "{trace}")),
                Arguments.of("replay", 2, List.of("--bootstrap", "127.0.0.1:9", "--profile", "{profile}")));
    }

    private static void assertOneLine(CommandRun run, String command, String mentions) {
        List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "expected one line on stderr, got:\n" + run.err());
        String line = lines.get(0);
        assertTrue(line.startsWith("smtreplay " + command + ": "), line);
        assertTrue(line.contains(mentions), line);
        assertFalse(line.contains("Exception") || line.contains("\tat "), line);
    }
}
