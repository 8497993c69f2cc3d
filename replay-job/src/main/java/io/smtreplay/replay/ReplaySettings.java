package io.smtreplay.replay;

import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.profile.SmtConfigurations;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.Durations;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.smtreplay.projection.Projector;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What the replay job needs besides its source and sinks.
 *
 * @param projector           the configurations to evaluate (all at once) and the cost profile
 * @param profileName         the profile's name, written into every result
 * @param window              tumbling event-time window of the per-app results (trace time)
 * @param outOfOrderness      how far (trace time) an event may arrive behind the latest one and still be replayed in order
 * @param sourceIdleness      wall-clock time after which a silent partition stops holding the watermark back
 * @param vcpuIdle            trace time without events after which a vCPU's open episode is closed and its state freed
 * @param parallelism         the job's parallelism
 * @param checkpointInterval  wall-clock checkpoint interval
 */
public record ReplaySettings(Projector projector, String profileName, Duration window, Duration outOfOrderness,
                             Duration sourceIdleness, Duration vcpuIdle, int parallelism,
                             Duration checkpointInterval) implements Serializable {

    public static final Duration DEFAULT_WINDOW = defaultDuration(JobParameter.WINDOW);
    public static final Duration DEFAULT_OUT_OF_ORDERNESS = defaultDuration(JobParameter.OUT_OF_ORDERNESS);
    public static final Duration DEFAULT_SOURCE_IDLENESS = defaultDuration(JobParameter.IDLENESS);
    public static final Duration DEFAULT_VCPU_IDLE = defaultDuration(JobParameter.VCPU_IDLE);
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = defaultDuration(JobParameter.CHECKPOINT_INTERVAL);
    public static final int DEFAULT_PARALLELISM = Integer.parseInt(JobParameter.PARALLELISM.defaultValue().orElseThrow());

    public ReplaySettings {
        Objects.requireNonNull(projector, "projector");
        Objects.requireNonNull(profileName, "profileName");
        requirePositive(window, "window");
        Objects.requireNonNull(outOfOrderness, "outOfOrderness");
        if (outOfOrderness.isNegative()) {
            throw new IllegalArgumentException("out-of-orderness must not be negative");
        }
        requirePositive(sourceIdleness, "source idleness");
        requirePositive(vcpuIdle, "vCPU idle timeout");
        requirePositive(checkpointInterval, "checkpoint interval");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
    }

    public static ReplaySettings defaults(Projector projector, String profileName) {
        return new ReplaySettings(projector, profileName, DEFAULT_WINDOW, DEFAULT_OUT_OF_ORDERNESS,
                DEFAULT_SOURCE_IDLENESS, DEFAULT_VCPU_IDLE, DEFAULT_PARALLELISM, DEFAULT_CHECKPOINT_INTERVAL);
    }

    public ReplaySettings withWindow(Duration v) {
        return new ReplaySettings(projector, profileName, v, outOfOrderness, sourceIdleness, vcpuIdle, parallelism, checkpointInterval);
    }

    public ReplaySettings withOutOfOrderness(Duration v) {
        return new ReplaySettings(projector, profileName, window, v, sourceIdleness, vcpuIdle, parallelism, checkpointInterval);
    }

    public ReplaySettings withParallelism(int v) {
        return new ReplaySettings(projector, profileName, window, outOfOrderness, sourceIdleness, vcpuIdle, v, checkpointInterval);
    }

    public ReplaySettings withCheckpointInterval(Duration v) {
        return new ReplaySettings(projector, profileName, window, outOfOrderness, sourceIdleness, vcpuIdle, parallelism, v);
    }

    public ReplaySettings withVcpuIdle(Duration v) {
        return new ReplaySettings(projector, profileName, window, outOfOrderness, sourceIdleness, v, parallelism, checkpointInterval);
    }

    /**
     * Settings from job parameters as text ({@code --window 10s} ...); a parameter not given takes
     * its {@link JobParameter} default.
     *
     * @throws IllegalArgumentException for a value that does not parse, or a profile or
     *                                  configuration that does not load, naming the parameter
     */
    public static ReplaySettings fromParameters(Map<JobParameter, String> given) {
        Map<JobParameter, String> p = new EnumMap<>(JobParameter.class);
        for (JobParameter param : JobParameter.values()) {
            String v = given.containsKey(param) ? given.get(param) : param.defaultValue().orElse(null);
            if (v != null) {
                p.put(param, v);
            }
        }
        CostProfile profile = CostProfiles.load(p.get(JobParameter.PROFILE));
        SmtConfigurations known = p.containsKey(JobParameter.CONFIG_FILE)
                ? SmtConfigurations.withFile(Path.of(p.get(JobParameter.CONFIG_FILE))) : SmtConfigurations.named();
        List<SmtConfiguration> chosen = known.resolve(p.get(JobParameter.CONFIG));
        return new ReplaySettings(new Projector(chosen, profile), profile.name(),
                duration(p, JobParameter.WINDOW), duration(p, JobParameter.OUT_OF_ORDERNESS),
                duration(p, JobParameter.IDLENESS), duration(p, JobParameter.VCPU_IDLE),
                integer(p, JobParameter.PARALLELISM), duration(p, JobParameter.CHECKPOINT_INTERVAL));
    }

    private static Duration duration(Map<JobParameter, String> p, JobParameter param) {
        try {
            return Durations.parse(p.get(param));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(param.option() + ": " + e.getMessage());
        }
    }

    private static int integer(Map<JobParameter, String> p, JobParameter param) {
        try {
            return Integer.parseInt(p.get(param).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(param.option() + ": '" + p.get(param) + "' is not a whole number");
        }
    }

    private static Duration defaultDuration(JobParameter param) {
        return Durations.parse(param.defaultValue().orElseThrow());
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }
}
