package io.smtreplay.replay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.Level;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.smt.SmtConfiguration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The job's results summed over windows against what {@code project} computes offline from the same events. */
public final class OfflineProjection {

    private OfflineProjection() {
    }

    /**
     * Every app and configuration: guest, baseline and projected time (the CPU-time speedup),
     * episodes, incomplete episodes, L2 exits, and the waits observed, projected and unexplained
     * (the wall-clock speedup over the critical path) equal.
     */
    public static void assertResultsEqualOffline(List<ExitEvent> events, CostProfile profile, List<AppSpeedup> results) {
        Map<String, ProjectionAccumulator> batch = offline(events, profile);
        Map<String, Map<String, Long[]>> streamed = sums(results);
        assertEquals(batch.keySet(), streamed.keySet());
        batch.forEach((app, acc) -> {
            for (String config : acc.configurations()) {
                Long[] s = streamed.get(app).get(config);
                int i = acc.indexOf(config);
                String what = app + " " + config;
                assertEquals(acc.total().guestNs(), s[0], what + " guest");
                assertEquals(acc.total().baselineNs(), s[1], what + " baseline");
                assertEquals(acc.total().projectedNs(i), s[2], what + " projected");
                assertEquals(acc.episodes().episodes(), s[3], what + " episodes");
                assertEquals(acc.episodes().incomplete(), s[4], what + " incomplete");
                assertEquals(acc.exits(Level.L2), s[5], what + " L2 exits");
                assertEquals(acc.total().waitNs(), s[6], what + " wait");
                assertEquals(acc.total().projectedWaitNs(i), s[7], what + " projected wait");
                assertEquals(acc.total().unexplainedWaitNs(), s[8], what + " unexplained wait");
                long wall = s[0] + s[1] + s[6];
                long projectedWall = s[0] + s[2] + s[7];
                assertEquals(acc.total().wallClockSpeedup(i), (double) wall / projectedWall, 1e-12, what + " wall-clock speedup");
                assertEquals(acc.total().cpuTimeSpeedup(i), (double) (s[0] + s[1]) / (s[0] + s[2]), 1e-12,
                        what + " CPU-time speedup");
            }
            assertTrue(acc.total().episodes() > 100, app + " has episodes to compare");
        });
        assertTrue(batch.values().stream().anyMatch(acc -> acc.total().explainedWaitNs() > 0
                        && acc.total().projectedWaitNs(acc.indexOf("svt-hw")) < acc.total().waitNs()),
                "the critical path is exercised: some waits have a cause on another thread and shrink");
    }

    /** What `project` computes: the model's offline replay of the same events, per app. */
    private static Map<String, ProjectionAccumulator> offline(List<ExitEvent> events, CostProfile profile) {
        TraceProjector projector = new TraceProjector(new Projector(SmtConfiguration.NAMED, profile));
        for (ExitEvent e : events) {
            projector.accept(e.getApp(), e.getVm(), e.getHost(), ExitEventMapping.fromAvro(e));
        }
        projector.finish();
        return projector.byApp();
    }

    /** app -> config -> Σ over windows of guest, baseline, projected, episodes, incomplete, L2 exits, wait, projected and unexplained wait. */
    private static Map<String, Map<String, Long[]>> sums(List<AppSpeedup> results) {
        Map<String, Map<String, Long[]>> out = new TreeMap<>();
        for (AppSpeedup r : results) {
            Long[] s = out.computeIfAbsent(r.getApp(), a -> new TreeMap<>())
                    .computeIfAbsent(r.getConfig(), c -> new Long[] {0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L});
            s[0] += r.getGuestNs();
            s[1] += r.getBaselineNs();
            s[2] += r.getProjectedNs();
            s[3] += r.getEpisodes();
            s[4] += r.getIncompleteEpisodes();
            s[5] += r.getExitsByLevel().getOrDefault("L2", 0L);
            s[6] += r.getWaitNs();
            s[7] += r.getProjectedWaitNs();
            s[8] += r.getUnexplainedWaitNs();
        }
        return out;
    }
}
