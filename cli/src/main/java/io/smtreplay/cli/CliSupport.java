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

    /**
     * Executes a command line with the shared error handling: an execution error is one line
     * {@code smtreplay <cmd>: <what went wrong>} on stderr and exit 1 (the stack trace only with
     * {@code --verbose} or {@code SMTREPLAY_DEBUG=1}); a usage error is one line naming the
     * problem and where help is, exit 2.
     */
    static int execute(CommandLine cl, PrintStream out, PrintStream err, String... args) {
        if (out != null) {
            cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        }
        if (err != null) {
            cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        }
        boolean verbose = "1".equals(System.getenv("SMTREPLAY_DEBUG")) || java.util.Arrays.asList(args).contains("--verbose");
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (SignalStop.stopping()) {
                // Kafka and Flink were stopped under the command by Ctrl-C or SIGTERM, which said so in its one line
                return ERROR;
            }
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + message(ex));
            if (verbose) {
                ex.printStackTrace(commandLine.getErr());
            }
            return ERROR;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName();
            c.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            return USAGE;
        });
        cl.setExitCodeExceptionMapper(ex -> ex instanceof CommandLine.ParameterException ? USAGE : ERROR);
        int code = cl.execute(verbose ? java.util.Arrays.stream(args).filter(a -> !a.equals("--verbose")).toArray(String[]::new) : args);
        // a PrintStream swallows write errors: a report lost to a full disk or a closed pipe must not exit 0
        boolean outputLost = (out != null && out.checkError()) || cl.getOut().checkError();
        if (outputLost && code == OK) {
            cl.getErr().println(commandName(cl) + ": cannot write the output (standard output closed or full)");
            return ERROR;
        }
        return code;
    }

    /** The qualified name of the subcommand that ran ({@code smtreplay stat}), or the root's. */
    private static String commandName(CommandLine cl) {
        CommandLine.ParseResult r = cl.getParseResult();
        while (r != null && r.subcommand() != null) {
            r = r.subcommand();
        }
        return r == null ? cl.getCommandSpec().qualifiedName() : r.commandSpec().qualifiedName();
    }

    static String message(Throwable ex) {
        if (ex.getClass().getName().startsWith("org.apache.flink.")) {
            // "Job execution failed." wraps "Recovery is suppressed by ..." wraps what went wrong
            Throwable root = ex;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "the job failed: " + (root.getMessage() == null ? root.getClass().getSimpleName()
                    : root.getClass().getSimpleName() + ": " + root.getMessage());
        }
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
