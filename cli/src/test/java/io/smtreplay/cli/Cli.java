package io.smtreplay.cli;

import io.smtreplay.ingest.testing.CommandRun;
import java.util.stream.Stream;

/** Runs {@code smtreplay} as a user does, through the one root command, capturing what it prints. */
final class Cli {
    private Cli() {
    }

    /** {@code smtreplay COMMAND ARGS...}: exit code, standard output, standard error. */
    static CommandRun run(String command, String... args) {
        return CommandRun.of((out, err) -> Smtreplay.run(out, err, with(command, args)));
    }

    static String[] with(String command, String... args) {
        return Stream.concat(Stream.of(command), Stream.of(args)).toArray(String[]::new);
    }
}
