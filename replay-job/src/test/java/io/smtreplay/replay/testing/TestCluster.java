package io.smtreplay.replay.testing;

import io.smtreplay.kafka.local.InProcessKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The tests' MiniCluster with its files in a folder of the test class's own, as the CLI's
 * {@code RunFolder} puts a local run's: temporary directories, filesystem checkpoints and the REST
 * server's jar-upload folder (created even unused, by default {@code /tmp/flink-web-upload}).
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
                .setConfiguration(configuration(folder.path()))
                .build());
    }

    static Configuration configuration(Path dir) {
        Configuration config = new Configuration();
        config.set(CoreOptions.TMP_DIRS, dir.resolve("flink-tmp").toString());
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        config.set(WebOptions.UPLOAD_DIR, dir.resolve("web-upload").toString());
        return config;
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
