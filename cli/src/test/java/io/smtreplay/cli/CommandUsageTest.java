package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code --help} and {@code --version} of the ingest module's commands: named as bin/smtreplay
 * runs them, printed without picocli warnings, the version of every command the same.
 */
class CommandUsageTest {

    static Stream<Arguments> commands() {
        return Smtreplay.commandLine(System.out, System.err).getSubcommands().entrySet().stream()
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void usageLineSaysSmtreplayAndTheCommand(String name, CommandLine command) {
        String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(usage.startsWith("Usage: smtreplay " + name + " "), usage);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void versionSaysSmtreplayAndItsVersion(String name, CommandLine cli) {
        var run = Cli.run(name, "--version");

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().matches("smtreplay \\S+\\R"), "'" + run.out() + "'");
    }

    /**
     * picocli formats every description with {@link String#format}; a bare {@code %} fails, and
     * picocli then prints "Could not format ... '%n' ..." on stderr and the text raw.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void everyDescriptionFormatsSoHelpPrintsNoWarning(String name, CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
        spec.options().forEach(o -> texts.addAll(List.of(o.description())));
        spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
        for (String text : texts) {
            assertDoesNotThrow(() -> String.format(text), name + ": " + text);
        }
    }

    /** The completion script is generated from the command tree, so it knows every subcommand. */
    @org.junit.jupiter.api.Test
    void theCompletionScriptCompletesEverySubcommand() {
        var run = Cli.run("generate-completion");
        assertEquals(0, run.code(), run.err());
        Smtreplay.commandLine(System.out, System.err).getSubcommands().forEach((command, cl) -> {
            if (!cl.getCommandSpec().usageMessage().hidden()) {
                assertTrue(run.out().contains(command), command + " missing from the completion script");
            }
        });
        assertTrue(run.out().contains("complete -F"), "a bash completion function");
    }

    /** A run builds only the tree of the command it runs; what lists or describes every command gets them all. */
    @org.junit.jupiter.api.Test
    void aRunBuildsOnlyItsCommandsTree() {
        assertEquals(List.of("stat"), List.copyOf(Smtreplay.commandLine(System.out, System.err,
                Smtreplay.chosen("--verbose", "stat", "x.txt")).getSubcommands().keySet()));
        assertEquals(null, Smtreplay.chosen("--help"));
        assertEquals(null, Smtreplay.chosen("stta", "x.txt"));
        assertEquals(null, Smtreplay.chosen("generate-completion"));
        assertEquals(null, Smtreplay.chosen());
        var help = Cli.run("--help");
        assertEquals(0, help.code(), help.err());
        Smtreplay.commandLine(System.out, System.err).getSubcommands().forEach((command, cl) -> assertTrue(
                cl.getCommandSpec().usageMessage().hidden() || help.out().contains("  " + command + " "), command + " in\n" + help.out()));
        var misspelt = Cli.run("stta");
        assertEquals(2, misspelt.code());
        assertTrue(misspelt.err().contains("Unmatched argument at index 0: 'stta' (see 'smtreplay --help')"), misspelt.err());
    }
}
