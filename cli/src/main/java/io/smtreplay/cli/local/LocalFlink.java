package io.smtreplay.cli.local;


import io.smtreplay.replay.metrics.SmtreplayPrometheusReporter;
import io.smtreplay.replay.metrics.SmtreplayPrometheusReporterFactory;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster in this JVM with the Prometheus reporter on a port. It outlives the jobs it
 * runs, so {@code run --serve} keeps serving their metrics after the bounded job has ended.
 */
public final class LocalFlink implements AutoCloseable {

    private final MiniCluster cluster;
    private final int metricsPort;

    private LocalFlink(MiniCluster cluster, int metricsPort) {
        this.cluster = cluster;
        this.metricsPort = metricsPort;
    }

    /** Flink's configuration of the reporter, as in a flink-conf / config.yaml. */
    public static Configuration reporterConfiguration(int metricsPort) {
        Configuration config = new Configuration();
        config.setString("metrics.reporter.prom.factory.class", SmtreplayPrometheusReporterFactory.class.getName());
        config.setString("metrics.reporter.prom." + SmtreplayPrometheusReporter.PORT, String.valueOf(metricsPort));
        return config;
    }

    /**
     * Starts a cluster whose files (temporary directories, checkpoints, web uploads) are in
     * {@code folder}, which owns it: closing the folder stops the cluster, then deletes its files.
     */
    public static LocalFlink startIn(RunFolder folder, int slots, int metricsPort) throws Exception {
        Configuration config = reporterConfiguration(metricsPort);
        String reporter = java.util.UUID.randomUUID().toString();
        config.setString("metrics.reporter.prom." + SmtreplayPrometheusReporter.INSTANCE, reporter);
        // the web endpoint is not needed, and 8081 may be taken
        config.set(RestOptions.BIND_PORT, "0");
        // small machine: the default managed memory (for RocksDB/batch) is unused by this job
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(16));
        config.addAll(folder.flinkConfiguration());
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start();
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        // the reporter opened with the cluster's metric registry: the port it bound (port 0: a free one)
        int bound = SmtreplayPrometheusReporter.boundPort(reporter);
        return folder.own(new LocalFlink(cluster, bound < 0 ? metricsPort : bound));
    }

    /** The port {@code /metrics} is served on: the one asked for, or the free one picked for 0. */
    public int metricsPort() {
        return metricsPort;
    }

    /** Runs the job {@code env} describes on this cluster until it ends. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        return cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
    }

    /** Submits the job {@code env} describes to this cluster; the client waits for it or cancels it. */
    public JobClient submit(StreamExecutionEnvironment env) throws Exception {
        JobID id = cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
        return new MiniClusterJobClient(id, cluster, LocalFlink.class.getClassLoader(),
                MiniClusterJobClient.JobFinalizationBehavior.NOTHING);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
