package io.smtreplay.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
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
    public static int run(Object command, PrintStream err, String... args) {
        return run(command, null, err, args);
    }

    /**
     * As {@link #run(Object, String...)}, with help and version going to {@code out} and errors and
     * usage to {@code err} (null: standard output, standard error), both UTF-8.
     */
    public static int run(Object command, PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(command);
        if (out != null) {
            cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        }
        if (err != null) {
            cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
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
        if (ex instanceof NoSuchFileException) {
            return "no such file: " + ex.getMessage();
        }
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }

    /**
     * Why a file could not be created or written, in a user's words and without the path (the
     * caller names it): "no such directory" (creating a file, that is its folder), "permission
     * denied", or the system's reason.
     */
    static String ioReason(IOException e) {
        return reason(e, "no such directory");
    }

    /** As {@link #ioReason}, for a file that could not be read: "no such file", "permission denied", ... */
    static String readReason(IOException e) {
        return reason(e, "no such file");
    }

    private static String reason(IOException e, String whenMissing) {
        if (e instanceof NoSuchFileException) {
            return whenMissing;
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
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
