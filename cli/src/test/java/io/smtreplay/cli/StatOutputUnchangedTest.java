package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smtreplay.ingest.testing.SharedTraces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code stat}'s output, table and JSON, is byte for byte what it was before the byte-level
 * parser: on every shared trace, and on all of them at once (read in parallel), the output with
 * the fast decoder equals the output with every line on the slow path
 * ({@code -Dsmtreplay.parser.slow=true}, the line-by-line String reader).
 */
class StatOutputUnchangedTest {
    private static final String SLOW_PATH_ONLY = "smtreplay.parser.slow";

    private static String stat(boolean slowPathOnly, List<String> args) {
        if (slowPathOnly) {
            System.setProperty(SLOW_PATH_ONLY, "true");
        }
        try {
            var run = Cli.run("stat", args.toArray(String[]::new));
            assertEquals(0, run.code(), run.err());
            return run.out();
        } finally {
            System.clearProperty(SLOW_PATH_ONLY);
        }
    }

    private static void sameBothWays(List<String> files) {
        assertEquals(stat(true, files), stat(false, files), "table of " + files);
        List<String> json = new ArrayList<>(files);
        json.add(0, "--json");
        assertEquals(stat(true, json), stat(false, json), "JSON of " + files);
    }

    static Stream<Path> sharedTraces() {
        return SharedTraces.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sharedTraces")
    void everySharedTraceGivesTheSameBytes(Path trace) {
        sameBothWays(List.of(trace.toString()));
    }

    @Test
    void allSharedTracesTogetherGiveTheSameBytes() {
        sameBothWays(SharedTraces.all().stream().map(Path::toString).toList());
    }
}
