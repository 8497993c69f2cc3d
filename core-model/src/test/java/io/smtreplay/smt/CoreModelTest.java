package io.smtreplay.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.Level;
import io.smtreplay.episode.SwitchRole;
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
            .nestedTransition(WorldSwitch.L0_TO_L1, 900).nestedTransition(WorldSwitch.L1_TO_L0, 800)
            .lazyStatePerReflectedExit(1_000).handoff("svt-sw", 300).handoff("svt-hw", 50).defaultHandoff(10).build();

    static Episode reflected(long durationNs, int innerTraps) {
        var cpuid = ExitReasons.byName("CPUID", Isa.VMX).orElseThrow();
        return new Episode(1, EpisodeType.L2_EXIT_REFLECTED, 0, durationNs, 1, 1, 1 + innerTraps, 1 + innerTraps,
                durationNs / 2, durationNs / 2, 0, cpuid, cpuid, List.of(), false, null, 1, 1, Episode.NO_L2_CONTEXT);
    }

    @Test
    void baselinePaysEverySwitchAtItsRolesCostAndProjectsTheObservedTime() {
        CoreModel baseline = new CoreModel(SmtConfiguration.BASELINE, PROFILE);
        Episode e = reflected(10_000, 1);
        assertEquals(400 + 500 + (900 + 700) + (800 + 600) + 1_000, baseline.baselineCostNs(e),
                "L2 pair, nested round trip, one plain L1 round trip, lazy state");
        assertEquals(baseline.baselineCostNs(e), baseline.configuredCostNs(e));
        assertEquals(10_000, baseline.projectedNs(e));
    }

    @Test
    void svtHwTurnsEverySwitchIntoAHandoffAndKeepsL1StateResident() {
        CoreModel hw = new CoreModel(SmtConfiguration.SVT_HW, PROFILE);
        Episode e = reflected(10_000, 1);
        assertEquals(6 * 50, hw.configuredCostNs(e));
        assertEquals(10_000 - 4_900 + 300, hw.projectedNs(e));
    }

    @Test
    void svtSwAsBuiltKeepsL1sOwnTrapsAsVmExitsOnTheSiblingAndHandsOffOnlyTheReflection() {
        SmtConfiguration sw = SmtConfiguration.SVT_SW;
        assertEquals(new SmtConfiguration.Realization(SwitchRole.PLAIN, false), sw.realize(WorldSwitch.L2_TO_L0, SwitchRole.PLAIN));
        assertEquals(new SmtConfiguration.Realization(SwitchRole.PLAIN, false), sw.realize(WorldSwitch.L1_TO_L0, SwitchRole.PLAIN),
                "L1's own trap: a VM exit into the L0 on the sibling");
        assertEquals(new SmtConfiguration.Realization(SwitchRole.PLAIN, true),
                sw.realize(WorldSwitch.L0_TO_L1, SwitchRole.NESTED_TRANSITION),
                "the reflection: a handoff to the sibling, whose L0 enters L1 with a plain VM entry");
        CoreModel model = new CoreModel(sw, PROFILE);
        Episode e = reflected(10_000, 1);
        long configured = 400 + 500 + (700 + 600) + (700 + 300) + (600 + 300);
        assertEquals(configured, model.configuredCostNs(e));
        assertEquals(10_000 - 4_900 + configured, model.projectedNs(e));
        Episode l1Exit = new Episode(1, EpisodeType.L1_EXIT, 0, 5_000, 0, 0, 1, 1, 5_000, 0, 0, null, null, null,
                false, null);
        assertEquals(5_000, model.projectedNs(l1Exit), "an L1 exit saves nothing under svt-sw");
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
    void theCostDoesNotDependOnTheOrderOfTheSwitchKindsOrRoles() {
        // CoreModel walks WorldSwitch and SwitchRole by their values, never by position: summing the
        // per-switch prices over a shuffled order of (kind, role) gives the same cost.
        Episode e = reflected(10_000, 2);
        for (SmtConfiguration c : List.of(SmtConfiguration.BASELINE, SmtConfiguration.SVT_SW, SmtConfiguration.SVT_HW,
                SmtConfiguration.of("l0-alone", 2, 0, 1, 1))) {
            CoreModel model = new CoreModel(c, PROFILE);
            List<Object[]> pairs = new java.util.ArrayList<>();
            for (WorldSwitch kind : WorldSwitch.values()) {
                for (SwitchRole role : SwitchRole.values()) {
                    pairs.add(new Object[] {kind, role});
                }
            }
            for (long seed = 0; seed < 5; seed++) {
                java.util.Collections.shuffle(pairs, new java.util.Random(seed));
                long sum = c.l1HasOwnContext() ? 0 : PROFILE.lazyStatePerReflectedExitNs();
                for (Object[] p : pairs) {
                    sum += e.switches((WorldSwitch) p[0], (SwitchRole) p[1]) * model.switchCostNs((WorldSwitch) p[0], (SwitchRole) p[1]);
                }
                assertEquals(sum, model.configuredCostNs(e), c.name());
            }
        }
    }

    @Test
    void theSwitchPartOutsideTheExitEntryWindowBelongsToTheEpisode() {
        CostProfile outside = CostProfile.builder("outside").contextSwitch(WorldSwitch.L2_TO_L0, 400)
                .contextSwitch(WorldSwitch.L0_TO_L2, 500).contextSwitch(WorldSwitch.L0_TO_L1, 250)
                .contextSwitch(WorldSwitch.L1_TO_L0, 250).outsideWindow(WorldSwitch.L1_TO_L0, 120)
                .outsideWindow(WorldSwitch.L0_TO_L1, 130).build();
        // A single-level exit whose kvm_exit->kvm_entry window (300 ns) is shorter than its round trip
        // (500 ns): with the 250 ns outside the window it is 550 ns of busy time, not "shorter than modelled".
        Episode l1 = new Episode(1, EpisodeType.L1_EXIT, 0, 300, 0, 0, 1, 1, 300, 0, 0, null, null, null, false, null);
        CoreModel hw = new CoreModel(SmtConfiguration.SVT_HW, outside);
        assertEquals(250, hw.outsideWindowNs(l1));
        assertEquals(550, hw.baselineBusyNs(l1));
        assertFalse(hw.isShorterThanModelled(l1));
        assertEquals(550 - 500, hw.projectedNs(l1), "the handler's 50 ns stay, the switches are free handoffs");
        assertThrows(IllegalArgumentException.class, () -> CostProfile.builder("p")
                .contextSwitch(WorldSwitch.L2_TO_L0, 1).contextSwitch(WorldSwitch.L0_TO_L2, 1)
                .contextSwitch(WorldSwitch.L0_TO_L1, 1).contextSwitch(WorldSwitch.L1_TO_L0, 1)
                .outsideWindow(WorldSwitch.L1_TO_L0, 2).build(), "outside part larger than the switch");
    }

    @Test
    void anEpisodeShorterThanItsModelledSwitchesIsScaledNotNegative() {
        CoreModel hw = new CoreModel(SmtConfiguration.SVT_HW, PROFILE);
        Episode tiny = reflected(900, 0);
        assertTrue(hw.isShorterThanModelled(tiny));
        long baselineCost = 400 + 500 + 900 + 800 + 1_000;
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
        assertEquals("svt-sw: 2 contexts, L0@every L1@1 L2@0", SmtConfiguration.SVT_SW.describe());
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
