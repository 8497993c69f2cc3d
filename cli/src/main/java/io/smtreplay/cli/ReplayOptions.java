package io.smtreplay.cli;

import io.smtreplay.replay.JobParameter;
import io.smtreplay.replay.ReplaySettings;
import io.smtreplay.trace.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import io.smtreplay.profile.ProfileException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The job options {@code run} and {@code replay} share. Their defaults and descriptions are the
 * job's own ({@link JobParameter}, applied by {@link JobParameterOptions}); here only their types.
 */
public final class ReplayOptions {

    @Option(names = "--parallelism", paramLabel = "N")
    int parallelism;

    @Option(names = "--window", paramLabel = "D", converter = TraceDuration.class)
    Duration window;

    @Option(names = "--out-of-orderness", paramLabel = "D", converter = TraceDuration.class)
    Duration outOfOrderness;

    @Option(names = "--idleness", paramLabel = "D", converter = TraceDuration.class)
    Duration idleness;

    @Option(names = "--vcpu-idle", paramLabel = "D", converter = TraceDuration.class)
    Duration vcpuIdle;

    @Option(names = "--checkpoint-interval", paramLabel = "D", converter = TraceDuration.class)
    Duration checkpointInterval;

    @Option(names = "--profile", paramLabel = "P")
    String profile;

    @Option(names = "--config", paramLabel = "LIST")
    String configurations;

    @Option(names = "--config-file", paramLabel = "FILE")
    Path configurationsFile;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The settings these options choose, resolved as the application jar resolves its arguments.
     *
     * @throws CommandLine.ParameterException for a value the job refuses ({@code --parallelism 0},
     *                                        an unknown profile): a usage error, exit 2
     */
    public ReplaySettings settings() {
        try {
            return resolve();
        } catch (IllegalArgumentException | ProfileException e) {
            // an option's value, a --profile or --config-file that cannot be used: a usage error, as in project
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage(), e);
        }
    }

    private ReplaySettings resolve() {
        Map<JobParameter, String> given = new EnumMap<>(JobParameter.class);
        given.put(JobParameter.PARALLELISM, String.valueOf(parallelism));
        given.put(JobParameter.WINDOW, Durations.format(window));
        given.put(JobParameter.OUT_OF_ORDERNESS, Durations.format(outOfOrderness));
        given.put(JobParameter.IDLENESS, Durations.format(idleness));
        given.put(JobParameter.VCPU_IDLE, Durations.format(vcpuIdle));
        given.put(JobParameter.CHECKPOINT_INTERVAL, Durations.format(checkpointInterval));
        given.put(JobParameter.PROFILE, profile);
        given.put(JobParameter.CONFIG, configurations);
        if (configurationsFile != null) {
            given.put(JobParameter.CONFIG_FILE, configurationsFile.toString());
        }
        return ReplaySettings.fromParameters(given);
    }
}
