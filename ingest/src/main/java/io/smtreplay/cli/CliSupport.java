package io.smtreplay.cli;

import picocli.CommandLine;

/**
 * What every smtreplay command shares: exit codes (0 ok, 1 error, 2 usage), and errors printed as
 * one clear line on stderr instead of a stack trace ({@code SMTREPLAY_DEBUG=1} shows the trace).
 */
public final class CliSupport {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int USAGE = 2;

    private CliSupport() {
    }

    /** Runs a picocli command object with the shared error handling; returns the exit code. */
    public static int run(Object command, String... args) {
        return run(command, null, args);
    }

    /** As {@link #run(Object, String...)}, with errors and usage going to {@code err} (null: stderr). */
    public static int run(Object command, java.io.PrintStream err, String... args) {
        CommandLine cl = new CommandLine(command);
        if (err != null) {
            cl.setErr(new java.io.PrintWriter(err, true));
        }
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + message(ex));
            if ("1".equals(System.getenv("SMTREPLAY_DEBUG"))) {
                ex.printStackTrace(commandLine.getErr());
            }
            return ERROR;
        });
        cl.setExitCodeExceptionMapper(ex -> ex instanceof CommandLine.ParameterException ? USAGE : ERROR);
        return cl.execute(args);
    }

    static String message(Throwable ex) {
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + ex.getMessage();
        }
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }

    /** The version printed by {@code --version}. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CliSupport.class.getPackage().getImplementationVersion();
            return new String[] {"smtreplay " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
