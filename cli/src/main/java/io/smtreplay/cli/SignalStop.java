package io.smtreplay.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jContextFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C or SIGTERM during a command that works for a while ({@code run}, {@code replay}): the
 * JVM runs its shutdown hooks, then exits 130 (SIGINT) or 143 (SIGTERM). This one says in one
 * line on stderr what the signal cut short (the command's phase), and from then on the command
 * prints nothing: neither results (they would be incomplete) nor the error its main thread meets
 * when Kafka and Flink stop under it. Stopping them and deleting their files is the run folder's
 * hook ({@code RunFolder}).
 */
final class SignalStop implements AutoCloseable {

    /** The signal that is ending the JVM ({@code SIGTERM}), once one arrived. */
    private static volatile String received;
    /** Set when any command's hook ran: the JVM is ending, the main thread must stay quiet. */
    private static volatile boolean stopping;

    private final String command;
    private final PrintStream err;
    private final Thread hook;
    /** What the command is doing, as "while ..." words; null when nothing a signal could cut short. */
    private String phase;

    private SignalStop(String command, String phase, PrintStream err) {
        this.command = command;
        this.phase = phase;
        this.err = err;
        this.hook = new Thread(this::onShutdown, "smtreplay-signal-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Watches for a stop from now on: before Kafka and Flink start, so a signal while they start is reported too. */
    static SignalStop watch(String command, String phase, PrintStream err) {
        return new SignalStop(command, phase, err);
    }

    /**
     * Notes which signal ends the JVM, for the stop line, and silences logging, then lets the JVM's
     * own handler run the hooks and exit 128 + the signal's number. Called once, by {@code main}:
     * tests that run commands inside their own JVM keep its handlers.
     */
    static void nameSignals() {
        for (String name : new String[] {"INT", "TERM"}) {
            AtomicReference<SignalHandler> previous = new AtomicReference<>();
            try {
                Signal signal = new Signal(name);
                previous.set(Signal.handle(signal, s -> {
                    received = "SIG" + s.getName();
                    stopping = true;
                    // before any hook stops Kafka and Flink: what they log while they stop under a
                    // running job (tasks failing as "the TaskExecutor is shutting down", each with its
                    // stack trace) is the stop, which the hook says in one line
                    silenceLogging();
                    previous.get().handle(s);
                }));
                if (previous.get() == SignalHandler.SIG_DFL || previous.get() == SignalHandler.SIG_IGN) {
                    // not the JVM's shutdown handler (java -Xrs, or an ignored SIGINT in a background job): leave it
                    Signal.handle(signal, previous.get());
                }
            } catch (IllegalArgumentException unavailable) {
                // the JVM does not let this signal be handled here: it is reported without its name
            }
        }
    }

    /** True once a signal is ending the JVM: results and errors are no longer printed. */
    static boolean stopping() {
        return stopping;
    }

    synchronized void phase(String what) {
        phase = what;
    }

    /**
     * Prints the results unless a signal came first (then returns false): the hook's line and a
     * complete table never both appear, nor a table cut by the line.
     */
    synchronized boolean printUnlessStopped(Runnable print) {
        if (stopping) {
            return false;
        }
        print.run();
        phase = null;
        return true;
    }

    private void onShutdown() {
        synchronized (this) {
            stopping = true;
            if (phase != null) {
                err.println(command + ": stopped" + (received == null ? "" : " by " + received) + " while " + phase);
                err.flush();
            }
        }
    }

    /** Every logger of every log4j context off (Flink's RPC system and jobs log through contexts of their own class loaders). */
    private static void silenceLogging() {
        if (LogManager.getFactory() instanceof Log4jContextFactory factory) {
            for (LoggerContext context : factory.getSelector().getLoggerContexts()) {
                context.getConfiguration().getLoggers().values().forEach(logger -> logger.setLevel(Level.OFF));
                context.getConfiguration().getRootLogger().setLevel(Level.OFF);
                context.updateLoggers();
            }
        }
    }

    /** The command ended on its own: no hook is left behind in the JVM. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, or ran
        }
    }
}
