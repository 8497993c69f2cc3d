package io.smtreplay.replay.function;

import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.IncompleteReason;
import io.smtreplay.episode.Level;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.ReasonStats;
import io.smtreplay.projection.TimeTotals;
import io.smtreplay.replay.metrics.ReplayMetrics;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.trace.ExitReason;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns an app's window (every configuration evaluated at once) into one {@link AppSpeedup} per
 * configuration, and updates the contract metrics.
 */
public final class AppWindowResults extends ProcessWindowFunction<ProjectionAccumulator, AppSpeedup, String, TimeWindow> {

    private static final long serialVersionUID = 1L;
    /** Quantiles exported for exit handling time. */
    static final double[] QUANTILES = {0.5, 0.9, 0.99};

    private final String profileName;
    /** Hardware contexts one vCPU stack occupies, by configuration name (its SMT capacity cost). */
    private final Map<String, Integer> contexts;
    private transient ContractMetrics metrics;

    public AppWindowResults(String profileName, Map<String, Integer> contexts) {
        this.profileName = profileName;
        this.contexts = Map.copyOf(contexts);
    }

    private static Double low(io.smtreplay.projection.TimeBlocks.Interval interval) {
        return interval == null ? null : interval.low();
    }

    private static Double high(io.smtreplay.projection.TimeBlocks.Interval interval) {
        return interval == null ? null : interval.high();
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = new ContractMetrics(getRuntimeContext().getMetricGroup());
        // every reason exported from the start: a missing series is not a zero to Prometheus
        for (IncompleteReason reason : IncompleteReason.values()) {
            metrics.counter(ReplayMetrics.EPISODES_INCOMPLETE_TOTAL, "reason", reasonLabel(reason));
        }
    }

    @Override
    public void process(String app, Context ctx, Iterable<ProjectionAccumulator> merged, Collector<AppSpeedup> out) {
        ProjectionAccumulator acc = merged.iterator().next();
        TimeTotals total = acc.total();
        Map<String, Long> byLevel = new TreeMap<>();
        byLevel.put(Level.L1.name(), acc.exits(Level.L1));
        byLevel.put(Level.L2.name(), acc.exits(Level.L2));
        Map<String, Long> byReason = exitsByReason(acc, app);
        long l2Exits = acc.exits(Level.L2);
        Double multiplication = l2Exits == 0 ? null : acc.exitMultiplication();
        List<String> configs = acc.configurations();
        for (int i = 0; i < configs.size(); i++) {
            String config = configs.get(i);
            out.collect(AppSpeedup.newBuilder()
                    .setApp(app)
                    .setWindowStartNs(ctx.window().getStart())
                    .setWindowEndNs(ctx.window().getEnd())
                    .setConfig(config)
                    .setProfile(profileName)
                    .setGuestNs(total.guestNs())
                    .setBaselineNs(total.baselineNs())
                    .setProjectedNs(total.projectedNs(i))
                    .setSpeedup(total.cpuTimeSpeedup(i))
                    .setWallClockSpeedup(total.wallClockSpeedup(i))
                    .setWaitNs(total.waitNs())
                    .setProjectedWaitNs(total.projectedWaitNs(i))
                    .setUnexplainedWaitNs(total.unexplainedWaitNs())
                    .setContexts(contexts.getOrDefault(config, 1))
                    .setWallClockSpeedupLow(low(acc.wallClockInterval(config)))
                    .setWallClockSpeedupHigh(high(acc.wallClockInterval(config)))
                    .setExitsByLevel(byLevel)
                    .setExitsByReason(byReason)
                    .setExitMultiplication(multiplication)
                    .setEpisodes(acc.episodes().episodes())
                    .setIncompleteEpisodes(acc.episodes().incomplete())
                    .build());
            metrics.gauge(ReplayMetrics.WALL_CLOCK_SPEEDUP, total.wallClockSpeedup(i), "app", app, "config", config);
            metrics.gauge(ReplayMetrics.CPU_TIME_SPEEDUP, total.cpuTimeSpeedup(i), "app", app, "config", config);
            exportLatency(acc, app, config, i);
        }
        if (multiplication != null) {
            metrics.gauge(ReplayMetrics.EXIT_MULTIPLICATION, multiplication, "app", app);
        }
        metrics.gauge(ReplayMetrics.UNEXPLAINED_WAIT_RATIO, total.unexplainedWaitShare(), "app", app);
        for (Map.Entry<IncompleteReason, Long> e : acc.episodes().incompleteByReason().entrySet()) {
            metrics.counter(ReplayMetrics.EPISODES_INCOMPLETE_TOTAL, "reason", reasonLabel(e.getKey())).inc(e.getValue());
        }
    }

    /** Episodes by the exit that opened them (complete ones); also counted as exits_total{app,level,reason}. */
    private Map<String, Long> exitsByReason(ProjectionAccumulator acc, String app) {
        Map<String, Long> byReason = new TreeMap<>();
        for (EpisodeType type : EpisodeType.values()) {
            String level = type.exitingLevel().name();
            for (Map.Entry<ExitReason, ReasonStats> e : acc.byReason(type).entrySet()) {
                String reason = e.getKey().name();
                long episodes = e.getValue().episodes();
                byReason.merge(reason, episodes, Long::sum);
                metrics.counter(ReplayMetrics.EXITS_TOTAL, "app", app, "level", level, "reason", reason).inc(episodes);
            }
        }
        return byReason;
    }

    private void exportLatency(ProjectionAccumulator acc, String app, String config, int index) {
        Histogram all = null;
        for (EpisodeType type : EpisodeType.values()) {
            for (ReasonStats stats : acc.byReason(type).values()) {
                Histogram h = stats.projectedLatency(index);
                if (all == null) {
                    all = h.copy();
                } else {
                    all.add(h);
                }
            }
        }
        if (all == null || all.getTotalCount() == 0) {
            return;
        }
        for (double q : QUANTILES) {
            metrics.gauge(ReplayMetrics.EXIT_HANDLING_SECONDS, all.getValueAtPercentile(q * 100) / 1e9,
                    "app", app, "config", config, "quantile", Double.toString(q));
        }
    }

    static String reasonLabel(IncompleteReason reason) {
        return reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
