package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code smtreplay ARGS...} in a JVM of its own, as {@code bin/smtreplay} starts it, for what a
 * test cannot do to its own JVM: signal it, and see what it leaves in its temporary folder (a
 * private {@code java.io.tmpdir}, so files of other tests and runs do not count). Its standard
 * output and error go to files in {@code work}.
 */
final class ChildJvm {

    private final Process process;
    private final Path work;

    private ChildJvm(Process process, Path work) {
        this.process = process;
        this.work = work;
    }

    static ChildJvm start(Path work, String... args) throws IOException {
        Files.createDirectories(work.resolve("tmp"));
        // perl restores SIGINT's default before exec: a shell or build that started us in the
        // background ignores SIGINT, and a JVM that inherits that ignores Ctrl-C (as a user's does not)
        List<String> command = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + work.resolve("tmp"), "-cp", System.getProperty("java.class.path"),
                Smtreplay.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectOutput(work.resolve("out").toFile())
                .redirectError(work.resolve("err").toFile())
                .start();
        p.getOutputStream().close();
        return new ChildJvm(p, work);
    }

    /** Waits until a line of its standard error starts with {@code prefix}; fails if it ends or the wait is over first. */
    void awaitErrLine(String prefix, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (err().lines().anyMatch(l -> l.startsWith(prefix))) {
                return;
            }
            assertTrue(process.isAlive(), "ended (exit " + (process.isAlive() ? "" : process.exitValue())
                    + ") before printing '" + prefix + "':\n" + err());
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + prefix + "' within " + within + ":\n" + err());
    }

    /** Sends a signal (INT, TERM) as Ctrl-C or kill does. */
    void signal(String name) throws Exception {
        assertTrue(new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor() == 0, "kill -" + name);
    }

    /** Its exit code, once it ended within {@code within}; killed (and the test failed) otherwise. */
    int awaitExit(Duration within) throws Exception {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("did not end within " + within + ":\n" + err());
        }
        return process.exitValue();
    }

    /** Ends it however it stands (for a test's finally): no child outlives its test. */
    void kill() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    String out() throws IOException {
        return Files.readString(work.resolve("out"), StandardCharsets.UTF_8);
    }

    String err() throws IOException {
        return Files.readString(work.resolve("err"), StandardCharsets.UTF_8);
    }

    /** What it left in its temporary folder, relative paths. */
    List<String> leftInTmp() throws IOException {
        Path tmp = work.resolve("tmp");
        try (var files = Files.walk(tmp)) {
            return files.filter(f -> !f.equals(tmp)).map(f -> tmp.relativize(f).toString()).sorted().toList();
        }
    }
}
