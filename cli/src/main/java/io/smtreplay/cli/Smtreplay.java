package io.smtreplay.cli;

import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.util.List;
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
                + "handoffs (SVt, ISCA 2019), from real KVM exit traces.")
public final class Smtreplay implements Runnable {

    /** The subcommands, in the order the usage lists them; each named by its own {@code @Command}. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, ReplayCommand.class, IngestCommand.class,
            StatCommand.class, ProjectCommand.class, SynthCommand.class, ValidateCommand.class, AgentCommand.class,
            AutoComplete.GenerateCompletion.class);

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
        return CliSupport.execute(commandLine(out, err, chosen(args)), out, err, args);
    }

    /** The whole command tree, each subcommand built with these streams, job options described from the job. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        return commandLine(out, err, null);
    }

    /**
     * The command tree with only subcommand {@code chosen} (all of them when null): picocli
     * reflects over every command class it is given, and a one-shot command ({@code stat} of a
     * small file) paid for all nine (BENCHMARKS.md, "Start-up: one subcommand's tree").
     */
    static CommandLine commandLine(PrintStream out, PrintStream err, String chosen) {
        CommandLine cl = new CommandLine(new Smtreplay(), new StreamsFactory(out, err));
        for (Class<?> command : SUBCOMMANDS) {
            if (chosen == null || chosen.equals(nameOf(command))) {
                cl.addSubcommand(command);
            }
        }
        CommandLine completion = cl.getSubcommands().get("generate-completion");
        if (completion != null) {
            // the completion script is for shells, not for the command list a newcomer reads
            completion.getCommandSpec().usageMessage().hidden(true);
            completion.getCommandSpec().versionProvider(new CliSupport.Version());
        }
        JobParameterOptions.describe(cl);
        return cl;
    }

    /**
     * The subcommand {@code args} run: the first argument that is no option, when it names one;
     * else null, the whole tree (no command, a misspelt one and {@code --help} list them all, and
     * the completion script is generated from all of them).
     */
    static String chosen(String... args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                boolean wholeTree = arg.equals(nameOf(AutoComplete.GenerateCompletion.class));
                return wholeTree ? null : SUBCOMMANDS.stream().map(Smtreplay::nameOf).filter(arg::equals).findFirst().orElse(null);
            }
        }
        return null;
    }

    private static String nameOf(Class<?> command) {
        return command.getAnnotation(Command.class).name();
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
