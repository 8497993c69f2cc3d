package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Flink application jar (what the image puts in {@code usrlib} and the operator runs) holds
 * the job and what it bundles, and nothing of the CLI, the local runner, Kafka's broker or test
 * kit, or Flink itself (the cluster provides it: a second copy breaks class loading).
 */
class FlinkApplicationJarTest {

    private static final List<String> FORBIDDEN = List.of(
            "io/smtreplay/cli/", "picocli/", "org/apache/kafka/common/test/", "kafka/server/", "kafka/Kafka.class",
            "org/apache/kafka/server/common/", "scala/", "org/apache/flink/runtime/", "org/apache/flink/client/",
            "org/apache/flink/streaming/api/environment/", "org/apache/logging/log4j/core/", "org/junit/",
            "io/smtreplay/kafka/local/");

    @Test
    void holdsTheJobAndNoCliTestKitLocalRunnerOrFlinkRuntimeClasses() throws IOException {
        Path jar = applicationJar();
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = file.stream().map(e -> e.getName()).toList();
            assertTrue(names.contains("io/smtreplay/replay/ReplayJobMain.class"), "no job entry point in " + jar);
            assertTrue(names.contains("io/smtreplay/replay/ReplayJob.class"), "no job in " + jar);
            List<String> leaked = names.stream().filter(n -> FORBIDDEN.stream().anyMatch(n::startsWith)).toList();
            assertEquals(List.of(), leaked.stream().limit(20).toList(), leaked.size() + " classes that do not belong in " + jar);
            assertEquals("io.smtreplay.replay.ReplayJobMain", file.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    /** replay-job's shaded artifact, built by the reactor before this module's tests run. */
    static Path applicationJar() throws IOException {
        Path target = Path.of(System.getProperty("user.dir")).resolveSibling("replay-job").resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-flink-app.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no *-flink-app.jar in " + target + ": run mvn package first"));
        }
    }
}
