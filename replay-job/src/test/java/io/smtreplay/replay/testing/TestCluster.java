package io.smtreplay.replay.testing;

import io.smtreplay.kafka.local.InProcessKafka;
import io.smtreplay.replay.LocalClusterFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The tests' MiniCluster with its files in a folder of the test class's own, as the CLI's
 * {@code RunFolder} puts a local run's ({@link LocalClusterFiles}: the jar-upload folder too, by
 * default {@code /tmp/flink-web-upload}).
 * Register the {@link Folder} before the cluster: after-all callbacks run in reverse order, so the
 * cluster stops before its folder is deleted.
 */
public final class TestCluster {

    private TestCluster() {
    }

    /** A new folder under the temporary directory, deleted after the test class. */
    public static Folder folder(String prefix) {
        try {
            return new Folder(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One task manager with {@code slots} slots, its files in {@code folder}. */
    public static MiniClusterExtension miniCluster(Folder folder, int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .setConfiguration(LocalClusterFiles.in(folder.path()))
                .build());
    }

    /** A test class's folder for its cluster's files. */
    public static final class Folder implements AfterAllCallback {
        private final Path path;

        private Folder(Path path) {
            this.path = path;
        }

        public Path path() {
            return path;
        }

        @Override
        public void afterAll(ExtensionContext context) {
            InProcessKafka.deleteTree(path);
        }
    }
}
