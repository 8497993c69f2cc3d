package io.smtreplay.cli;

import io.smtreplay.schemas.AppSpeedup;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-app table {@code run} prints: the windows of each app and configuration added up, in
 * the columns of {@code project}'s configuration table (speedup, baseline and projected handling
 * time, saved).
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

        /** (guest + baseline) / (guest + projected), as the model defines it for one window. */
        public double speedup() {
            long before = guestNs + baselineNs;
            long after = guestNs + projectedNs;
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
            out.printf("  %-16s %9s %18s %18s %14s%n", "configuration", "speedup", "baseline handling", "projected", "saved");
            configs.forEach((config, t) -> out.printf("  %-16s %8.3fx %18s %18s %14s%n", config, t.speedup(),
                    millis(t.baselineNs), millis(t.projectedNs), millis(t.baselineNs - t.projectedNs)));
        });
        out.flush();
    }

    private static String millis(long ns) {
        return String.format("%.3f ms", ns / 1e6);
    }
}
