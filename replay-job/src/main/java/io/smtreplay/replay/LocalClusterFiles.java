package io.smtreplay.replay;

import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.WebOptions;

/**
 * Flink's options that put an in-process cluster's files in one folder, for the local runner and
 * the tests alike: temporary directories, filesystem checkpoints (pending events make checkpoints
 * larger than the JobManager-memory storage's 5 MB) and the REST server's jar-upload folder
 * (created even unused, by default {@code /tmp/flink-web-upload}).
 */
public final class LocalClusterFiles {

    private LocalClusterFiles() {
    }

    public static Configuration in(Path dir) {
        Configuration config = new Configuration();
        config.set(CoreOptions.TMP_DIRS, dir.resolve("flink-tmp").toString());
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        config.set(WebOptions.UPLOAD_DIR, dir.resolve("web-upload").toString());
        return config;
    }
}
