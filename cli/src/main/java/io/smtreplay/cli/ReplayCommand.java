package io.smtreplay.cli;

import io.smtreplay.cli.local.LocalFlink;
import io.smtreplay.cli.local.RunFolder;
import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.replay.ReplayJob;
import io.smtreplay.replay.ReplaySettings;
import io.smtreplay.replay.function.RefusalCounts;
import io.smtreplay.replay.wire.KafkaEndpoints;
import io.smtreplay.replay.wire.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code smtreplay replay}: the job against any Kafka cluster, run in a local Flink environment.
 * Before the job starts, the broker must answer within {@code --connect-timeout} and the topics
 * are created if missing. A bounded replay ends within {@code --timeout} or fails, restarts at
 * most {@link #RESTARTS} times, and exits 1 when it refused events as late (their windows'
 * results are missing or short), saying how many.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        description = "Replays the exits topic on Flink and writes per-app speedups (topic smt-speedups), refusals (kvm-exits-dlq) and metrics.")
public final class ReplayCommand implements Callable<Integer> {

    /**
     * Restarts from the last checkpoint before a replay fails, {@link #RESTART_DELAY} apart: a
     * broker that recovers its log within about two minutes costs a few of them; one that does
     * not come back, or producers fenced again and again, end the job instead of looping.
     */
    static final int RESTARTS = 8;
    static final Duration RESTART_DELAY = Duration.ofSeconds(10);

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", required = true)
    String bootstrap;

    @Option(names = "--group", paramLabel = "ID")
    String group;

    @Option(names = "--bounded", description = "stop at the end of what the topic holds at start (default: run until cancelled)")
    boolean bounded;

    @Option(names = "--timeout", paramLabel = "D", converter = TraceDuration.class)
    Duration timeout;

    @Option(names = "--connect-timeout", defaultValue = "15s", paramLabel = "D", converter = TraceDuration.class,
            description = "how long to wait for the broker before the job starts (default: ${DEFAULT-VALUE})")
    Duration connectTimeout;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9249",
            description = "Prometheus metrics port when the job runs locally (on a cluster, the cluster's reporter configuration applies; default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Mixin
    ReplayOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream err;

    ReplayCommand(PrintStream out, PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (bootstrap.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap is empty: give HOST:PORT of a Kafka broker");
        }
        ReplaySettings settings = options.settings();
        MetricsPort.requireFree(metricsPort, spec);
        long t0 = System.nanoTime();
        String cut = bounded ? "the results not yet committed were not written" : "windows still open were not written";
        try (SignalStop signal = SignalStop.watch(spec.qualifiedName(), "connecting to " + bootstrap + "; nothing replayed", err)) {
            // the results and dead-letter topics are ours to create; a broker that does not answer is
            // a clear error here instead of a job restarting on "not present in metadata"
            TopicAdmin.ensureTopics(bootstrap, connectTimeout, Topics.DEFAULT.partitions(settings.parallelism()));
            KafkaEndpoints kafka = new KafkaEndpoints(bootstrap, Topics.DEFAULT, group);
            // a MiniCluster of our own, not env.execute()'s: its files are in the run folder, which stops it
            // before deleting them, on every exit
            try (RunFolder folder = RunFolder.create("smtreplay-replay-")) {
                LocalFlink flink = LocalFlink.startIn(folder, settings.parallelism(), metricsPort);
                Configuration config = ReplayJob.environmentConfiguration();
                // a fault the job cannot heal by restarting from its last checkpoint ends it, not an endless loop
                config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
                config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTARTS);
                config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, RESTART_DELAY);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
                new ReplayJob(settings, kafka.exits(bounded), kafka.speedups(), kafka.deadLetters()).build(env);
                signal.phase("replaying; " + cut + " (results committed so far are on " + Topics.DEFAULT.speedups() + ")");
                JobClient job = flink.submit(env);
                err.printf("replay: %s job running on a local Flink cluster (%d slot(s)); metrics on http://localhost:%d/metrics%n",
                        bounded ? "bounded" : "unbounded (until Ctrl-C)", settings.parallelism(), flink.metricsPort());
                if (!bounded) {
                    ReplayJob.await(job);
                    return CliSupport.OK;
                }
                JobExecutionResult result = ReplayJob.await(job, timeout);
                RefusalCounts refused = RefusalCounts.fromAccumulators(result.getAllAccumulatorResults());
                signal.phase(null);
                err.printf("replay: ended in %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, refused);
                if (refused.late() > 0) {
                    err.printf("smtreplay replay: %d event(s) arrived behind the watermark and were refused as late (on %s): "
                            + "results of their windows are missing or short%n", refused.late(), Topics.DEFAULT.deadLetters());
                    return CliSupport.ERROR;
                }
                return CliSupport.OK;
            }
        }
    }
}
