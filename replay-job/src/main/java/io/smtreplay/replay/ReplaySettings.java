package io.smtreplay.replay;

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

    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
    public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofMillis(50);
    public static final Duration DEFAULT_SOURCE_IDLENESS = Duration.ofSeconds(5);
    public static final Duration DEFAULT_VCPU_IDLE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

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
                DEFAULT_SOURCE_IDLENESS, DEFAULT_VCPU_IDLE, 2, DEFAULT_CHECKPOINT_INTERVAL);
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

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }
}
