package io.smtreplay.replay.metrics;

import org.apache.flink.metrics.MetricGroup;

/**
 * The metric contract with the dashboards (README, "Streaming job, metrics and exactly-once").
 * Every metric is registered under {@link #group}, then one {@code addGroup(label, value)} per
 * label, in the order given here; {@link SmtreplayPrometheusReporter} exports it as
 * {@code smtreplay_<name>{<labels>}}.
 */
public final class ReplayMetrics {

    /** The group that marks a metric as part of the contract; it is not a label. */
    public static final String MARKER_GROUP = "smtreplay";
    /** Prefix of every exported name. */
    public static final String PREFIX = "smtreplay_";

    /**
     * Gauge {app, config}: wall-clock speedup of the app's last complete window (Σ vCPU timelines
     * with their waits, each shrunk by its cause's saving over the critical path; waits with no
     * visible cause held fixed: a lower bound by {@link #UNEXPLAINED_WAIT_RATIO}).
     */
    public static final String WALL_CLOCK_SPEEDUP = "wall_clock_speedup";
    /** Gauge {app, config}: CPU-time speedup of the app's last complete window (waits left out). */
    public static final String CPU_TIME_SPEEDUP = "cpu_time_speedup";
    /** Gauge {app}: share of the last window's wall time in waits with no visible cause, held fixed. */
    public static final String UNEXPLAINED_WAIT_RATIO = "unexplained_wait_ratio";
    /** Counter {app, level, reason}: traps into L0 by the level that trapped and the outer exit reason. */
    public static final String EXITS_TOTAL = "exits_total";
    /** Gauge {app}: L0 exits per L2 exit in the app's last window that had L2 exits. */
    public static final String EXIT_MULTIPLICATION = "exit_multiplication";
    /** Gauge {app, config, quantile}: episode (exit handling) time in seconds, last window. */
    public static final String EXIT_HANDLING_SECONDS = "exit_handling_seconds";
    /** Counter {reason}: episodes the tracker could only close incomplete. */
    public static final String EPISODES_INCOMPLETE_TOTAL = "episodes_incomplete_total";
    /** Counter {stage, reason}: records refused by the job (decode, replay); sent to the dead-letter topic. */
    public static final String RECORDS_REFUSED_TOTAL = "records_refused_total";

    private ReplayMetrics() {
    }

    /** The group under which an operator registers contract metrics. */
    public static MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup(MARKER_GROUP);
    }
}
