package io.smtreplay.cli;

import io.smtreplay.schemas.AppSpeedup;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-app table {@code run} prints: the windows of each app and configuration added up, in
 * the columns of {@code project}'s configuration table (wall-clock and CPU-time speedups, baseline
 * and projected handling time, saved). Intervals are per window (on the AppSpeedup records).
 */
public final class SpeedupTable {

    /** Σ over an app's windows for one configuration. */
    public static final class Totals {
        public long windows;
        public long guestNs;
        public long baselineNs;
        public long projectedNs;
        public long episodes;
        public long incomplete;
        public long waitNs;
        public long projectedWaitNs;
        public long unexplainedWaitNs;

        /** CPU-time speedup: (guest + baseline) / (guest + projected), waits left out. */
        public double speedup() {
            return ratio(guestNs + baselineNs, guestNs + projectedNs);
        }

        /** Wall-clock speedup: the vCPU timelines with their waits, shrunk by their causes' savings over the critical path. */
        public double wallClockSpeedup() {
            return ratio(guestNs + baselineNs + waitNs, guestNs + projectedNs + projectedWaitNs);
        }

        private static double ratio(long before, long after) {
            return before == 0 && after == 0 ? 1.0 : (double) before / after;
        }
    }

    private final Map<String, Map<String, Totals>> byApp = new TreeMap<>();

    public SpeedupTable(List<AppSpeedup> results) {
        for (AppSpeedup r : results) {
            Totals t = byApp.computeIfAbsent(r.getApp(), a -> new LinkedHashMap<>())
                    .computeIfAbsent(r.getConfig(), c -> new Totals());
            t.windows++;
            t.guestNs += r.getGuestNs();
            t.baselineNs += r.getBaselineNs();
            t.projectedNs += r.getProjectedNs();
            t.episodes += r.getEpisodes();
            t.incomplete += r.getIncompleteEpisodes();
            t.waitNs += r.getWaitNs();
            t.projectedWaitNs += r.getProjectedWaitNs();
            t.unexplainedWaitNs += r.getUnexplainedWaitNs();
        }
    }

    public Map<String, Map<String, Totals>> byApp() {
        return byApp;
    }

    public void print(PrintStream out) {
        if (byApp.isEmpty()) {
            out.println("no results: no complete window of any app");
            return;
        }
        byApp.forEach((app, configs) -> {
            Totals any = configs.values().iterator().next();
            out.printf("%napp %s: %d window(s), guest %s, %d episodes (%d incomplete)%n", app, any.windows,
                    millis(any.guestNs), any.episodes, any.incomplete);
            out.printf("  %-16s %11s %9s %18s %18s %14s%n", "configuration", "wall-clock", "CPU-time",
                    "baseline handling", "projected", "saved");
            configs.forEach((config, t) -> out.printf("  %-16s %10.3fx %8.3fx %18s %18s %14s%n", config,
                    t.wallClockSpeedup(), t.speedup(), millis(t.baselineNs), millis(t.projectedNs),
                    millis(t.baselineNs - t.projectedNs)));
            long wallNs = any.guestNs + any.baselineNs + any.waitNs;
            out.println(ProjectReport.unexplainedWaitLine(wallNs <= 0 ? 0 : (double) any.unexplainedWaitNs / wallNs));
        });
        out.flush();
    }

    private static String millis(long ns) {
        return String.format("%.3f ms", ns / 1e6);
    }
}
