package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smtreplay run} in its own JVM, stopped by SIGTERM (as Ctrl-C) once Kafka and Flink are up
 * (while it publishes or replays) (issue 11,
 * items 10 and 11): it stops promptly, says on stderr what was cut short, prints no results on
 * stdout, and leaves nothing in its temporary folder (Flink's RPC jar and {@code minicluster_*}
 * folders, checkpoints, the broker's data).
 */
class RunStopsOnSignalTest {

    @TempDir
    Path tmp;

    @Test
    void sigtermDuringTheReplayStopsPromptlySaysWhatWasCutAndLeavesNoFiles() throws Exception {
        Path javaTmp = Files.createDirectory(tmp.resolve("java-tmp"));
        Path out = tmp.resolve("run.out");
        Path errFile = tmp.resolve("run.err");
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + javaTmp, "-cp", System.getProperty("java.class.path"), Smtreplay.class.getName(),
                "run", "--metrics-port", "0", "--demo-duration", "400ms")
                .redirectOutput(out.toFile())
                .start();
        CountDownLatch running = new CountDownLatch(1);
        StringBuilder err = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(run.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (err) {
                        err.append(l).append('\n');
                    }
                    if (l.startsWith("flink: ")) {
                        running.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process ended
            }
        });
        reader.start();
        try {
            assertTrue(running.await(400, TimeUnit.SECONDS), "run did not get to publishing and replaying:\n" + err);
            assertTrue(run.isAlive(), "the run ended before the signal:\n" + err);
            long t0 = System.nanoTime();
            run.destroy(); // SIGTERM
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "run did not stop within 60 s of SIGTERM");
            double stopSeconds = (System.nanoTime() - t0) / 1e9;
            reader.join(5_000);
            String stderr;
            synchronized (err) {
                stderr = err.toString();
            }
            System.err.printf("run stopped %.1f s after SIGTERM%n", stopSeconds);
            // the signal may land while the start finishes, the input is published or the replay runs
            assertTrue(stderr.lines().anyMatch(l -> l.startsWith("smtreplay run: stopped while ")
                    && l.endsWith("; no results printed")), stderr);
            assertEquals("", Files.readString(out), "no results on stdout after a stop");
            try (Stream<Path> left = Files.list(javaTmp)) {
                List<Path> files = left.toList();
                assertEquals(List.of(), files, "nothing left in the temporary folder");
            }
            assertFalse(stderr.contains("\tat "), stderr);
        } finally {
            run.destroyForcibly();
        }
    }
}
