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
        assertTrue(run.code() == 1 || (command.equals("synth") && run.code() == 2), command + " exit " + run.code());
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
        if (command.equals("run")) {
            // run reports its progress on stderr; the error is still one line, and no stack trace
            assertOneLine(new CommandRun(run.code(), "", run.err().lines()
                    .filter(l -> l.startsWith("smtreplay ") || l.contains("Exception") || l.startsWith("\tat "))
                    .reduce("", (a, b) -> a + b + "\n")), command, "cannot write the output");
            return;
        }
        assertOneLine(run, command, "");
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
                        "of trace time synth writes at most"));
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
                // project reports an unusable profile as a usage error, the job's options as an error
                Arguments.of("project", 2, List.of("--profile", "{profile}", "{trace}")),
                Arguments.of("replay", 1, List.of("--bootstrap", "127.0.0.1:9", "--profile", "{profile}")));
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
