package io.smtreplay.cli.local;

import io.smtreplay.kafka.local.InProcessKafka;

import io.smtreplay.replay.metrics.SmtreplayPrometheusReporter;
import io.smtreplay.replay.metrics.SmtreplayPrometheusReporterFactory;
import org.apache.flink.api.common.JobExecutionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster in this JVM with the Prometheus reporter on a port. It outlives the jobs it
 * runs, so {@code run --serve} keeps serving their metrics after the bounded job has ended.
 */
public final class LocalFlink implements AutoCloseable {

    private final MiniCluster cluster;
    private final Path checkpoints;

    private LocalFlink(MiniCluster cluster, Path checkpoints) {
        this.cluster = cluster;
        this.checkpoints = checkpoints;
    }

    /** Flink's configuration of the reporter, as in a flink-conf / config.yaml. */
    public static Configuration reporterConfiguration(int metricsPort) {
        Configuration config = new Configuration();
        config.setString("metrics.reporter.prom.factory.class", SmtreplayPrometheusReporterFactory.class.getName());
        config.setString("metrics.reporter.prom." + SmtreplayPrometheusReporter.PORT, String.valueOf(metricsPort));
        return config;
    }

    public static LocalFlink start(int slots, int metricsPort) throws Exception {
        Configuration config = reporterConfiguration(metricsPort);
        // the web endpoint is not needed, and 8081 may be taken
        config.set(RestOptions.BIND_PORT, "0");
        // small machine: the default managed memory (for RocksDB/batch) is unused by this job
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(16));
        // pending events make checkpoints larger than the JobManager-memory storage's 5 MB
        Path checkpoints = Files.createTempDirectory("smtreplay-checkpoints-");
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        // the REST server creates its jar-upload folder even unused, by default /tmp/flink-web-upload,
        // which outlives the run: keep it in the run's own folder, deleted on close
        config.set(WebOptions.UPLOAD_DIR, checkpoints.resolve("web-upload").toString());
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start();
        } catch (Exception | Error e) {
            InProcessKafka.deleteTree(checkpoints);
            throw e;
        }
        return new LocalFlink(cluster, checkpoints);
    }

    /** Runs the job {@code env} describes on this cluster until it ends. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        return cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            InProcessKafka.deleteTree(checkpoints);
        }
    }
}
