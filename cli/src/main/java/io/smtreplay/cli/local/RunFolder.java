package io.smtreplay.cli.local;

import io.smtreplay.kafka.local.InProcessKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.WebOptions;

/**
 * One temporary folder for everything a local run or replay writes: Flink's temporary
 * directories (the RPC system's extracted jar, {@code minicluster_*} working folders, blobs), its
 * checkpoints and its web-upload folder, and the in-process broker's data. Deleted on
 * {@link #close()} and, for a JVM stopped by SIGTERM or Ctrl-C before that, by a shutdown hook, so
 * no exit leaves anything in the system's temporary folder.
 */
public final class RunFolder implements AutoCloseable {

    private final Path dir;
    private final Thread deleteOnExit;

    private RunFolder(Path dir) {
        this.dir = dir;
        this.deleteOnExit = new Thread(() -> InProcessKafka.deleteTree(dir), "smtreplay-delete-" + dir.getFileName());
        Runtime.getRuntime().addShutdownHook(deleteOnExit);
    }

    public static RunFolder create(String prefix) throws IOException {
        return new RunFolder(Files.createTempDirectory(prefix));
    }

    public Path path() {
        return dir;
    }

    /**
     * Flink's options that put its files here: temporary directories, filesystem checkpoints
     * (pending events make checkpoints larger than the JobManager-memory storage's 5 MB) and the
     * REST server's jar-upload folder (created even unused, by default /tmp/flink-web-upload).
     */
    public Configuration flinkConfiguration() {
        Configuration config = new Configuration();
        config.set(CoreOptions.TMP_DIRS, dir.resolve("flink-tmp").toString());
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        config.set(WebOptions.UPLOAD_DIR, dir.resolve("web-upload").toString());
        return config;
    }

    @Override
    public void close() {
        InProcessKafka.deleteTree(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(deleteOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) anyway
        }
    }
}
