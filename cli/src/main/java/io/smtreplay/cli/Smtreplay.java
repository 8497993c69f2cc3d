package io.smtreplay.cli;

import java.io.PrintStream;
import java.lang.reflect.Constructor;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one {@code smtreplay} command: every subcommand hangs here, so they share one error path
 * ({@link CliSupport}), {@code --help}, {@code --version}, {@code --verbose} and the completion
 * script ({@code smtreplay generate-completion}). {@code bin/smtreplay} runs this class.
 */
@Command(name = "smtreplay", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        description = "Projects how much faster nested-VM applications would be if VM traps were SMT thread "
                + "handoffs (SVt, ISCA 2019), from real KVM exit traces.",
        subcommands = {RunCommand.class, ReplayCommand.class, IngestCommand.class, StatCommand.class,
                ProjectCommand.class, SynthCommand.class, ValidateCommand.class, AgentCommand.class,
                AutoComplete.GenerateCompletion.class})
public final class Smtreplay implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // no subcommand: say what there is, as a usage error
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        // by name: log4j prefers any log4j2-test.* on the classpath (Kafka's test kit ships one)
        // over a plain log4j2.xml, and ours must win so that stdout carries results only
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "smtreplay-log4j2.xml");
        }
        SignalStop.nameSignals();
        int code = run(System.out, System.err, args);
        if (SignalStop.stopping()) {
            // a signal is ending the JVM: its hooks stop Kafka and Flink and delete their files,
            // then the JVM exits 128 + the signal's number; exiting here would cut them short
            waitForever();
        }
        System.exit(code);
    }

    private static void waitForever() {
        Object never = new Object();
        synchronized (never) {
            while (true) {
                try {
                    never.wait();
                } catch (InterruptedException e) {
                    // keep waiting: the JVM's exit ends this thread
                }
            }
        }
    }

    /** Runs {@code smtreplay ARGS...} with its output and errors going to the given streams; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return CliSupport.execute(commandLine(out, err), out, err, args);
    }

    /** The command tree, each subcommand built with these streams, job options described from the job. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Smtreplay(), new StreamsFactory(out, err));
        // the completion script is for shells, not for the command list a newcomer reads
        CommandLine.Model.CommandSpec completion = cl.getSubcommands().get("generate-completion").getCommandSpec();
        completion.usageMessage().hidden(true);
        completion.versionProvider(new CliSupport.Version());
        JobParameterOptions.describe(cl);
        return cl;
    }

    /** Builds each subcommand with the run's streams when it takes them, so tests capture what users see. */
    private record StreamsFactory(PrintStream out, PrintStream err) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> c = type.getDeclaredConstructor(PrintStream.class, PrintStream.class);
                c.setAccessible(true);
                return c.newInstance(out, err);
            } catch (NoSuchMethodException noStreams) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
