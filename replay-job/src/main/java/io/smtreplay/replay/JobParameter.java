package io.smtreplay.replay;

import io.smtreplay.profile.CostProfiles;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every parameter of the replay job, declared once: its name (the {@code --name} of both the
 * application jar's arguments and {@code smtreplay run/replay}), its default and what it means.
 * The CLI takes its defaults and descriptions from here, {@link ReplayJobMain} its parsing, and
 * {@link ReplaySettings} its defaults, so the three cannot drift apart.
 */
public enum JobParameter {
    BOOTSTRAP("bootstrap", null, "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...]"),
    GROUP("group", "smtreplay-replay", "consumer group and transactional id prefix"),
    PARALLELISM("parallelism", "2", "job parallelism"),
    WINDOW("window", "10s", "tumbling event-time window of the per-app results, in trace time"),
    OUT_OF_ORDERNESS("out-of-orderness", "50ms",
            "how far (trace time) an event may arrive behind the newest one and still be replayed in order"),
    IDLENESS("idleness", "5s", "unbounded replay: wall-clock time after which a silent partition stops holding event "
            + "time back (a bounded replay waits for every partition)"),
    VCPU_IDLE("vcpu-idle", "60s",
            "trace time without events after which a vCPU's open episode is closed and its state freed"),
    CHECKPOINT_INTERVAL("checkpoint-interval", "5s",
            "wall-clock checkpoint interval; results are committed with each checkpoint"),
    PROFILE("profile", CostProfiles.DEFAULT, "cost profile: a published name or a profile file"),
    CONFIG("config", "baseline,svt-sw,svt-hw", "SMT configurations to evaluate, comma-separated"),
    CONFIG_FILE("config-file", null, "a file defining more SMT configurations"),
    TIMEOUT("timeout", "30m", "bounded replay: wall-clock limit; a replay not finished by then is cancelled and fails");

    private final String name;
    private final String defaultValue;
    private final String description;

    JobParameter(String name, String defaultValue, String description) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The name without dashes, as in {@code --window}. */
    public String parameterName() {
        return name;
    }

    public String option() {
        return "--" + name;
    }

    /** The default as text in the parameter's own syntax; empty where the parameter has none. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public String description() {
        return description;
    }

    /** The parameter whose option is {@code option} ({@code --window}), if any. */
    public static Optional<JobParameter> ofOption(String option) {
        return Arrays.stream(values()).filter(p -> p.option().equals(option)).findFirst();
    }
}
