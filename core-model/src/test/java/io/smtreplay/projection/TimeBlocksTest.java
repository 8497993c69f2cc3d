package io.smtreplay.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.EventScript;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Confidence intervals from the data: bootstrap over blocks of event time, or "not enough data". */
class TimeBlocksTest {

    private static final CostProfile PROFILE = CostProfile.builder("p").contextSwitch(WorldSwitch.L2_TO_L0, 400)
            .contextSwitch(WorldSwitch.L0_TO_L2, 400).contextSwitch(WorldSwitch.L0_TO_L1, 300)
            .contextSwitch(WorldSwitch.L1_TO_L0, 300).lazyStatePerReflectedExit(1_000).build();

    /** Reflected cpuids of varying length every ~200 µs, {@code n} of them. */
    private static List<TraceEvent> cpuids(int n, long seed) {
        Random random = new Random(seed);
        EventScript s = new EventScript(Isa.VMX, 9).entry(0);
        for (int i = 0; i < n; i++) {
            long t = 1_000 + i * 200_000L;
            long l1 = 2_000 + random.nextInt(20_000);
            s.l2Exit(t, "CPUID").inject(t + 1_000, "CPUID").entry(t + 2_000).exit(t + 2_000 + l1, "VMRESUME")
                    .vmenter(t + 2_100 + l1).entry(t + 3_000 + l1);
        }
        return s.events();
    }

    private static ProjectionAccumulator replay(List<TraceEvent> events) {
        Projector projector = new Projector(SmtConfiguration.NAMED, PROFILE);
        TraceProjector p = new TraceProjector(projector);
        events.forEach(e -> p.accept("app", "host", e));
        p.finish();
        return p.byApp().get("app");
    }

    @Test
    void fewEpisodesGiveNoIntervalAtAll() {
        ProjectionAccumulator acc = replay(cpuids(3, 1));
        assertEquals(3, acc.blocks().episodes());
        assertNull(acc.wallClockInterval("svt-hw"), "three episodes: not enough data");
    }

    @Test
    void manyEpisodesGiveADeterministicIntervalAroundTheEstimate() {
        ProjectionAccumulator acc = replay(cpuids(400, 2));
        TimeBlocks.Interval hw = acc.wallClockInterval("svt-hw");
        assertNotNull(hw);
        double point = acc.wallClockSpeedup("svt-hw");
        assertTrue(hw.low() <= point && point <= hw.high(), hw + " around " + point);
        assertTrue(hw.high() - hw.low() > 0, "the durations vary: the interval has a width");
        assertEquals(hw, replay(cpuids(400, 2)).wallClockInterval("svt-hw"), "seeded: the same input, the same interval");
        TimeBlocks.Interval base = acc.wallClockInterval("baseline");
        assertEquals(1.0, base.low(), 1e-12);
        assertEquals(1.0, base.high(), 1e-12);
    }

    @Test
    void blocksMergeToTheSameWhateverTheSplit() {
        List<TraceEvent> events = cpuids(400, 3);
        Projector projector = new Projector(SmtConfiguration.NAMED, PROFILE);
        ProjectionAccumulator whole = projector.newAccumulator();
        ProjectionAccumulator first = projector.newAccumulator();
        ProjectionAccumulator second = projector.newAccumulator();
        var tracker = new io.smtreplay.episode.EpisodeTracker(9);
        var log = new io.smtreplay.episode.EpisodeLog();
        events.forEach(e -> tracker.accept(e, log));
        var episodes = log.episodes();
        for (int i = 0; i < episodes.size(); i++) {
            projector.record(episodes.get(i), whole);
            projector.record(episodes.get(i), i % 3 == 0 ? first : second);
        }
        assertEquals(whole.blocks(), first.merge(second).blocks());
    }
}
