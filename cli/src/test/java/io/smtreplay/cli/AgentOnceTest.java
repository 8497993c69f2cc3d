package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.testing.CommandRun;
import io.smtreplay.kafka.local.InProcessKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smtreplay agent --once} on this machine's real tracefs: a one-second capture, published,
 * and the exit, as an operator's smoke test of a host. Needs tracefs: under CI it fails without
 * it, elsewhere it is skipped loudly.
 */
class AgentOnceTest {
    private static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    @Test
    void onceCapturesForASecondPublishesAndExits(@TempDir Path dir) throws Exception {
        boolean tracefs = Files.isRegularFile(TRACEFS.resolve("available_events"));
        if (!tracefs && System.getenv("CI") != null) {
            throw new AssertionError("tracefs is not mounted at " + TRACEFS + " (CI machines have it)");
        }
        if (!tracefs) {
            System.err.println("SKIPPED: tracefs is not mounted at " + TRACEFS);
        }
        Assumptions.assumeTrue(tracefs);
        try (InProcessKafka kafka = InProcessKafka.start()) {
            long start = System.nanoTime();
            CommandRun run = Cli.run("agent", "--once", "--bootstrap", kafka.bootstrapServers(), "--host", "once-host",
                    "--topic", "once", "--dlq-topic", "once-dlq", "--spool-dir", dir.resolve("spool").toString(),
                    // in this JVM the default (every thread but the readers at nice 19) would slow the test JVM for good
                    "--buffer-kb", "1024", "--decode-nice", "0");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(0, run.code(), run.err());
            assertTrue(run.out().matches("(?s).*agent: \\d+ Kafka records \\(event batches and refused lines\\) published to once/once-dlq, 0 events lost\\n"), run.out());
            assertEquals("", run.err());
            assertTrue(seconds < 120, "--once returned after " + seconds + " s");
            assertFalse(Files.exists(TRACEFS.resolve("instances").resolve("smtreplay-" + ProcessHandle.current().pid())),
                    "the instance is removed");
        }
    }
}
