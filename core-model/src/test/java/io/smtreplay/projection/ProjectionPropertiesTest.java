package io.smtreplay.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeLog;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.episode.Level;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectionPropertiesTest {

    private static CostProfile randomProfile(Random random) {
        CostProfile.Builder b = CostProfile.builder("random").clockGhz(1 + random.nextDouble() * 3);
        for (WorldSwitch kind : WorldSwitch.values()) {
            b.contextSwitch(kind, random.nextInt(2_000));
        }
        return b.lazyStatePerReflectedExit(random.nextInt(3_000)).handoff("svt-sw", random.nextInt(800))
                .handoff("svt-hw", random.nextInt(300)).defaultHandoff(random.nextInt(500)).build();
    }

    private static List<SmtConfiguration> configurations(Random random) {
        List<SmtConfiguration> list = new ArrayList<>(SmtConfiguration.NAMED);
        int contexts = 1 + random.nextInt(SmtConfiguration.MAX_CONTEXTS);
        list.add(SmtConfiguration.of("user", contexts, random.nextInt(contexts), random.nextInt(contexts),
                random.nextInt(contexts)));
        return list;
    }

    private static ProjectionAccumulator project(List<TraceEvent> events, Projector projector) {
        TraceProjector p = new TraceProjector(projector);
        events.forEach(e -> p.accept("app", "host", e));
        p.finish();
        return p.byApp().get("app");
    }

    private static CostProfile withAllHandoffs(CostProfile profile, long ns) {
        CostProfile p = profile;
        for (String name : List.of("svt-sw", "svt-hw", "user")) {
            p = p.withHandoff(name, ns);
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void baselineSpeedupIsExactlyOne(long seed) {
        Random random = new Random(seed);
        List<TraceEvent> events = RandomNestedWorkload.events(seed, 3, 300);
        ProjectionAccumulator acc = project(events, new Projector(configurations(random), randomProfile(random)));
        assertTrue(acc.total().episodes() > 800, "the workload forms complete episodes");
        assertEquals(1.0, acc.cpuTimeSpeedup("baseline"));
        assertEquals(acc.total().baselineNs(), acc.total().projectedNs(acc.indexOf("baseline")));
        for (EpisodeType type : EpisodeType.values()) {
            acc.byReason(type).values().forEach(s -> assertEquals(s.baselineNs(), s.projectedNs(0)));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void freeHandoffsNeverMakeAnythingSlower(long seed) {
        Random random = new Random(seed);
        List<SmtConfiguration> configs = configurations(random);
        Projector projector = new Projector(configs, withAllHandoffs(randomProfile(random), 0));
        ProjectionAccumulator acc = project(RandomNestedWorkload.events(seed, 3, 300), projector);
        for (SmtConfiguration c : configs) {
            assertTrue(acc.cpuTimeSpeedup(c.name()) >= 1.0, c.name() + " speedup " + acc.cpuTimeSpeedup(c.name()));
            int i = acc.indexOf(c.name());
            for (EpisodeType type : EpisodeType.values()) {
                acc.byReason(type).forEach((reason, s) -> assertTrue(s.projectedNs(i) <= s.baselineNs(),
                        c.name() + " " + reason));
            }
            acc.byThread().values().forEach(t -> assertTrue(t.projectedNs(i) <= t.baselineNs()));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void speedupFallsAsTheHandoffCostRises(long seed) {
        Random random = new Random(seed);
        List<SmtConfiguration> configs = configurations(random);
        CostProfile profile = randomProfile(random);
        List<TraceEvent> events = RandomNestedWorkload.events(seed, 2, 300);
        Map<String, Double> previous = new HashMap<>();
        for (long handoff = 0; handoff <= 4_000; handoff += 250) {
            ProjectionAccumulator acc = project(events, new Projector(configs, withAllHandoffs(profile, handoff)));
            for (String name : List.of("svt-sw", "svt-hw")) {
                double speedup = acc.cpuTimeSpeedup(name);
                Double before = previous.put(name, speedup);
                if (before != null) {
                    assertTrue(speedup < before, name + " at handoff " + handoff + " ns: " + speedup + " vs " + before);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33, 34})
    void mergingSplitResultsGivesTheWhole(long seed) {
        Random random = new Random(seed);
        Projector projector = new Projector(configurations(random), randomProfile(random));
        EpisodeLog log = new EpisodeLog();
        Map<Integer, EpisodeTracker> trackers = new HashMap<>();
        for (TraceEvent e : RandomNestedWorkload.events(seed, 4, 200)) {
            trackers.computeIfAbsent(e.tid(), EpisodeTracker::new).accept(e, log);
        }
        trackers.values().forEach(t -> t.finish(log));

        ProjectionAccumulator whole = projector.newAccumulator();
        List<ProjectionAccumulator> parts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            parts.add(projector.newAccumulator());
        }
        for (Object o : log.emitted()) {
            ProjectionAccumulator part = parts.get(random.nextInt(parts.size()));
            if (o instanceof Episode e) {
                projector.record(e, whole);
                projector.record(e, part);
            } else {
                projector.record((GuestInterval) o, whole);
                projector.record((GuestInterval) o, part);
            }
        }
        Collections.shuffle(parts, random);
        ProjectionAccumulator merged = projector.newAccumulator();
        parts.forEach(merged::merge);
        assertEquals(whole, merged);
        assertEquals(whole.cpuTimeSpeedup("svt-hw"), merged.cpuTimeSpeedup("svt-hw"));
        assertEquals(whole.reasonsBySaving("svt-sw"), merged.reasonsBySaving("svt-sw"));
        assertTrue(whole.exits(Level.L2) > 0 && whole.exitMultiplication() > 1.0);
    }
}
