package io.smtreplay.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.Level;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreModelTest {

    /** Round numbers, so every expected value below can be worked out by hand. */
    static final CostProfile PROFILE = CostProfile.builder("test").clockGhz(2.0)
            .contextSwitch(WorldSwitch.L2_TO_L0, 400).contextSwitch(WorldSwitch.L0_TO_L2, 500)
            .contextSwitch(WorldSwitch.L0_TO_L1, 700).contextSwitch(WorldSwitch.L1_TO_L0, 600)
            .lazyStatePerReflectedExit(1_000).handoff("svt-sw", 300).handoff("svt-hw", 50).defaultHandoff(10).build();

    static Episode reflected(long durationNs, int innerTraps) {
        var cpuid = ExitReasons.byName("CPUID", Isa.VMX).orElseThrow();
        return new Episode(1, EpisodeType.L2_EXIT_REFLECTED, 0, durationNs, 1, 1, 1 + innerTraps, 1 + innerTraps,
                durationNs / 2, durationNs / 2, 0, cpuid, cpuid, List.of(), false, null);
    }

    @Test
    void baselinePaysEverySwitchAndProjectsTheObservedTime() {
        CoreModel baseline = new CoreModel(SmtConfiguration.BASELINE, PROFILE);
        Episode e = reflected(10_000, 1);
        assertEquals(400 + 500 + 2 * 700 + 2 * 600 + 1_000, baseline.baselineCostNs(e));
        assertEquals(baseline.baselineCostNs(e), baseline.configuredCostNs(e));
        assertEquals(10_000, baseline.projectedNs(e));
    }

    @Test
    void svtHwTurnsEverySwitchIntoAHandoffAndKeepsL1StateResident() {
        CoreModel hw = new CoreModel(SmtConfiguration.SVT_HW, PROFILE);
        Episode e = reflected(10_000, 1);
        assertEquals(6 * 50, hw.configuredCostNs(e));
        assertEquals(10_000 - 4_500 + 300, hw.projectedNs(e));
    }

    @Test
    void svtSwKeepsTheL2L0SwitchesAndHandsOffToL1() {
        CoreModel sw = new CoreModel(SmtConfiguration.SVT_SW, PROFILE);
        assertTrue(sw.configuration().isContextSwitch(WorldSwitch.L2_TO_L0));
        assertFalse(sw.configuration().isContextSwitch(WorldSwitch.L1_TO_L0));
        Episode e = reflected(10_000, 1);
        assertEquals(400 + 500 + 4 * 300, sw.configuredCostNs(e));
        assertEquals(10_000 - 4_500 + 2_100, sw.projectedNs(e));
    }

    @Test
    void levelsSharingAContextAreMultiplexedWithClassicSwitches() {
        // Two contexts, L1 and L2 share one: L2<->L0 and L1<->L0 are handoffs, the lazy state stays.
        SmtConfiguration shared = SmtConfiguration.of("l0-alone", 2, 0, 1, 1);
        CoreModel model = new CoreModel(shared, PROFILE);
        assertFalse(shared.l1HasOwnContext());
        Episode e = reflected(10_000, 0);
        assertEquals(4 * 10 + 1_000, model.configuredCostNs(e), "4 handoffs at the default cost + lazy state");
    }

    @Test
    void anEpisodeShorterThanItsModelledSwitchesIsScaledNotNegative() {
        CoreModel hw = new CoreModel(SmtConfiguration.SVT_HW, PROFILE);
        Episode tiny = reflected(900, 0);
        assertTrue(hw.isShorterThanModelled(tiny));
        long baselineCost = 400 + 500 + 700 + 600 + 1_000;
        assertEquals(Math.round(900.0 * (4 * 50) / baselineCost), hw.projectedNs(tiny));
        assertEquals(900, new CoreModel(SmtConfiguration.BASELINE, PROFILE).projectedNs(tiny));
    }

    @Test
    void idleWaitingIsNotBusyTimeButTheSwitchesAre() {
        var hlt = ExitReasons.byName("HLT", Isa.VMX).orElseThrow();
        Episode idle = new Episode(1, EpisodeType.L1_EXIT, 0, 1_000_000, 0, 0, 1, 1, 1_000_000, 0, 1_000_000, hlt,
                null, List.of(), true, null);
        CoreModel baseline = new CoreModel(SmtConfiguration.BASELINE, PROFILE);
        assertEquals(1_300, baseline.baselineBusyNs(idle), "only the two switches are overhead");
        assertEquals(2 * 50, new CoreModel(SmtConfiguration.SVT_HW, PROFILE).projectedNs(idle));
    }

    @Test
    void configurationsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> SmtConfiguration.of("x", 9, 0, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> SmtConfiguration.of("x", 2, 0, 1, 2));
        assertThrows(IllegalArgumentException.class,
                () -> new SmtConfiguration("x", 2, Map.of(Level.L0, 0, Level.L1, 1)));
        assertEquals("svt-hw: 3 contexts, L0@0 L1@1 L2@2", SmtConfiguration.SVT_HW.describe());
        assertEquals(SmtConfiguration.SVT_SW, SmtConfiguration.named("svt-sw").orElseThrow());
    }

    @Test
    void aProfileNeedsEverySwitchCostAndNoNegativeOne() {
        assertThrows(IllegalArgumentException.class, () -> CostProfile.builder("p")
                .contextSwitch(WorldSwitch.L2_TO_L0, 1).build());
        assertThrows(IllegalArgumentException.class, () -> CostProfile.builder("p")
                .contextSwitch(WorldSwitch.L2_TO_L0, 1).contextSwitch(WorldSwitch.L0_TO_L2, 1)
                .contextSwitch(WorldSwitch.L0_TO_L1, -1).contextSwitch(WorldSwitch.L1_TO_L0, 1).build());
    }
}
