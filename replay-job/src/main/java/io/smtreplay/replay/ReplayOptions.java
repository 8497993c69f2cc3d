package io.smtreplay.replay;

import io.smtreplay.profile.CostProfile;
import io.smtreplay.profiles.CostProfiles;
import io.smtreplay.profiles.SmtConfigurations;
import io.smtreplay.projection.Projector;
import io.smtreplay.smt.SmtConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The job options {@code run} and {@code replay} share. */
public final class ReplayOptions {

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "job parallelism (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--window", paramLabel = "D", defaultValue = "10s", converter = TraceDuration.class,
            description = "tumbling event-time window of the per-app results, in trace time (default: ${DEFAULT-VALUE})")
    Duration window;

    @Option(names = "--out-of-orderness", paramLabel = "D", defaultValue = "50ms", converter = TraceDuration.class,
            description = "how far (trace time) an event may arrive behind the newest one and still be replayed in order (default: ${DEFAULT-VALUE})")
    Duration outOfOrderness;

    @Option(names = "--idleness", paramLabel = "D", defaultValue = "5s", converter = TraceDuration.class,
            description = "wall-clock time after which a silent partition stops holding event time back (default: ${DEFAULT-VALUE})")
    Duration idleness;

    @Option(names = "--vcpu-idle", paramLabel = "D", defaultValue = "60s", converter = TraceDuration.class,
            description = "trace time without events after which a vCPU's open episode is closed and its state freed (default: ${DEFAULT-VALUE})")
    Duration vcpuIdle;

    @Option(names = "--checkpoint-interval", paramLabel = "D", defaultValue = "5s", converter = TraceDuration.class,
            description = "wall-clock checkpoint interval; results are committed with each checkpoint (default: ${DEFAULT-VALUE})")
    Duration checkpointInterval;

    @Option(names = "--profile", paramLabel = "P", defaultValue = CostProfiles.DEFAULT,
            description = "cost profile: a published name or a profile file (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--config", paramLabel = "LIST", defaultValue = "baseline,svt-sw,svt-hw",
            description = "SMT configurations to evaluate, comma-separated (default: ${DEFAULT-VALUE})")
    String configurations;

    @Option(names = "--configs-file", paramLabel = "FILE", description = "a file defining more SMT configurations")
    Path configurationsFile;

    public ReplaySettings settings() {
        CostProfile costProfile = CostProfiles.load(profile);
        SmtConfigurations known = configurationsFile == null ? SmtConfigurations.named()
                : SmtConfigurations.withFile(configurationsFile);
        List<SmtConfiguration> chosen = known.resolve(configurations);
        return new ReplaySettings(new Projector(chosen, costProfile), costProfile.name(), window, outOfOrderness,
                idleness, vcpuIdle, parallelism, checkpointInterval);
    }
}
