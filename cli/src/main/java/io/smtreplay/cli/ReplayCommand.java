package io.smtreplay.cli;

import io.smtreplay.replay.ReplayJob;
import io.smtreplay.replay.ReplaySettings;

import io.smtreplay.cli.local.LocalFlink;
import io.smtreplay.replay.wire.KafkaEndpoints;
import io.smtreplay.replay.wire.Topics;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code smtreplay replay}: the job against any Kafka cluster. Also the main class of the Flink
 * application jar ({@code flink run}, the Kubernetes operator): there the environment is the
 * cluster's; run from the launcher, it is a local one.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        description = "Replays the exits topic on Flink and writes per-app speedups (topic smt-speedups), refusals (kvm-exits-dlq) and metrics.")
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", required = true)
    String bootstrap;

    @Option(names = "--group", paramLabel = "ID")
    String group;

    @Option(names = "--bounded", description = "stop at the end of what the topic holds at start (default: run until cancelled)")
    boolean bounded;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9249",
            description = "Prometheus metrics port when the job runs locally (on a cluster, the cluster's reporter configuration applies; default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Mixin
    ReplayOptions options;

    @Override
    public Integer call() throws Exception {
        ReplaySettings settings = options.settings();
        KafkaEndpoints kafka = new KafkaEndpoints(bootstrap, Topics.DEFAULT, group);
        Configuration config = ReplayJob.environmentConfiguration();
        config.addAll(LocalFlink.reporterConfiguration(metricsPort));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        new ReplayJob(settings, kafka.exits(bounded), kafka.speedups(), kafka.deadLetters()).execute(env);
        return 0;
    }

}
