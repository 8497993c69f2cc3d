package io.smtreplay.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every process a test starts, stopped when it closes (newest first: clients before the broker),
 * and by a shutdown hook if the test JVM itself is ended (a surefire timeout, Ctrl-C): nothing
 * started here outlives the test.
 */
final class ChildProcesses implements AutoCloseable {

    private final Deque<Process> started = new ArrayDeque<>();
    private final Thread hook = new Thread(this::killAll, "stop-child-processes");

    ChildProcesses() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code command} with output and errors to {@code log}. */
    synchronized Process start(List<String> command, Map<String, String> environment, Path workDir, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        started.push(p);
        return p;
    }

    /** A Java process on {@code classpath} running {@code mainClass}. */
    synchronized Process startJava(List<String> jvmOptions, String classpath, String mainClass, List<String> args,
                                   Path workDir, Path log) throws IOException {
        return startJava(jvmOptions, classpath, mainClass, args, Map.of(), workDir, log);
    }

    synchronized Process startJava(List<String> jvmOptions, String classpath, String mainClass, List<String> args,
                                   Map<String, String> environment, Path workDir, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return start(command, environment, workDir, log);
    }

    /** SIGTERM, then SIGKILL for whatever has not ended after a grace period; waits for each. */
    static void stop(Process p, long graceSeconds) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Processes still running (for the test's "nothing left behind" assertion). */
    synchronized List<Process> alive() {
        return started.stream().filter(Process::isAlive).toList();
    }

    private synchronized void killAll() {
        started.forEach(Process::destroyForcibly);
    }

    @Override
    public synchronized void close() {
        for (Process p : started) {
            stop(p, 15);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
