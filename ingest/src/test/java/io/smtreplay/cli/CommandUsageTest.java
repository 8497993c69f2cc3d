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
        return Stream.of(Arguments.of("stat", new StatCommand()), Arguments.of("ingest", new IngestCommand()),
                Arguments.of("project", new ProjectCommand()), Arguments.of("synth", new SynthCommand()),
                Arguments.of("validate", new ValidateCommand()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void usageLineSaysSmtreplayAndTheCommand(String name, Object command) {
        String usage = new CommandLine(command).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(usage.startsWith("Usage: smtreplay " + name + " "), usage);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void versionSaysSmtreplayAndItsVersion(String name, Object command) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));

        assertEquals(0, cli.execute("--version"));
        assertTrue(out.toString().matches("smtreplay \\S+\\R"), "'" + out + "'");
    }

    /**
     * picocli formats every description with {@link String#format}; a bare {@code %} fails, and
     * picocli then prints "Could not format ... '%n' ..." on stderr and the text raw.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void everyDescriptionFormatsSoHelpPrintsNoWarning(String name, Object command) {
        CommandSpec spec = new CommandLine(command).getCommandSpec();
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
        spec.options().forEach(o -> texts.addAll(List.of(o.description())));
        spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
        for (String text : texts) {
            assertDoesNotThrow(() -> String.format(text), name + ": " + text);
        }
    }
}
