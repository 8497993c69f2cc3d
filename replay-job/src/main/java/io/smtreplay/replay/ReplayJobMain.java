package io.smtreplay.replay;

import io.smtreplay.replay.wire.KafkaEndpoints;
import io.smtreplay.replay.wire.Topics;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The application jar's entry point, as a Flink cluster (the Kubernetes operator's application
 * mode, {@code flink run}) starts it: {@code --bootstrap HOST:PORT [--bounded] [--window 10s] ...},
 * every {@link JobParameter} by its name. The cluster's own configuration (checkpoint storage,
 * state backend, metric reporters, restart strategy) applies; this only builds the job.
 */
public final class ReplayJobMain {

    private ReplayJobMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<JobParameter, String> given = new EnumMap<>(JobParameter.class);
        boolean bounded = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--bounded")) {
                bounded = true;
                continue;
            }
            String arg = args[i];
            JobParameter param = JobParameter.ofOption(arg)
                    .orElseThrow(() -> new IllegalArgumentException("unknown job parameter '" + arg + "'"));
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(param.option() + " needs a value");
            }
            given.put(param, args[++i]);
        }
        String bootstrap = given.get(JobParameter.BOOTSTRAP);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException(JobParameter.BOOTSTRAP.option() + " is required");
        }
        ReplaySettings settings = ReplaySettings.fromParameters(given);
        String group = given.getOrDefault(JobParameter.GROUP, JobParameter.GROUP.defaultValue().orElseThrow());
        KafkaEndpoints kafka = new KafkaEndpoints(bootstrap, Topics.DEFAULT, group);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(ReplayJob.environmentConfiguration());
        new ReplayJob(settings, kafka.exits(bounded), kafka.speedups(), kafka.deadLetters()).execute(env);
    }
}
