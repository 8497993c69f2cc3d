package io.smtreplay.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class Isca19CalibrationTest {

    /** A start far from the answer: the fit must find its way, not be handed it. */
    static CostProfile start() {
        CostProfile.Builder b = CostProfile.builder("start").clockGhz(2.4);
        for (WorldSwitch kind : WorldSwitch.values()) {
            b.contextSwitch(kind, 1_000).outsideWindow(kind, 135);
            if (kind.canBeNestedTransition()) {
                b.nestedTransition(kind, 1_000);
            }
        }
        return b.lazyStatePerReflectedExit(500).handoff("svt-sw", 100).handoff("svt-hw", 0).build();
    }

    @Test
    void zeroOneOrTwoL1TrapsInTable1sCpuidAllReachEveryDatum() {
        for (int k = 0; k <= 2; k++) {
            LeastSquaresFit.Result fit = Isca19Calibration.fit(start(), k);
            assertTrue(Math.abs(fit.residual("fig6.svt-hw").sigmas()) < 1, "k=" + k + " " + fit.residuals());
            assertTrue(Math.abs(fit.residual("fig6.svt-sw").sigmas()) < 1, "k=" + k + " " + fit.residuals());
            assertTrue(Math.abs(fit.residual("table1.stage1").sigmas()) < 3, "k=" + k + " " + fit.residuals());
            assertEquals(0, fit.residual("table1.stage5-bound").sigmas(), "k=" + k + " fits in stage 5");
            assertTrue(fit.consistent(1), "k=" + k + " " + fit.residuals());
        }
        double lazyK0 = Isca19Calibration.fit(start(), 0).values().get("lazily switched state");
        double lazyK1 = Isca19Calibration.fit(start(), 1).values().get("lazily switched state");
        assertTrue(lazyK0 > lazyK1 + 300, "without an L1 trap the lazy state must carry its cost: " + lazyK0 + " vs "
                + lazyK1);
    }

    @Test
    void moreL1TrapsThanStage5HoldsLeaveResiduals() {
        LeastSquaresFit.Result three = Isca19Calibration.fit(start(), 3);
        assertTrue(three.chiSquare() > 1, "k = 3 strains the data: " + three.residuals());
        LeastSquaresFit.Result four = Isca19Calibration.fit(start(), 4);
        assertTrue(!four.consistent(3), "k = 4 must leave a residual: " + four.residuals());
        assertTrue(four.chiSquare() > three.chiSquare());
    }

    @Test
    void everyDatumGetsItsResidualAndTheFitSaysWhatItCannotTest() {
        LeastSquaresFit.Result fit = Isca19Calibration.fit(start(), 1);
        assertEquals(Isca19Calibration.targets(1, start()).size(), fit.residuals().size());
        assertEquals(Isca19Calibration.freeParameters(start()).size(), fit.freeParameters());
        assertEquals(5, fit.equalities());
        assertEquals(0, fit.degreesOfFreedom(), "5 data for 5 parameters once k and the svt-hw handoff are chosen");
    }

    @Test
    void contradictoryDataLeaveResidualsInsteadOfBeingSolvedAway() {
        FreeParameter lazy = new FreeParameter("lazy", List.of(CostProfile.LAZY_STATE), 0, 10_000);
        List<LeastSquaresFit.Target> targets = List.of(
                new LeastSquaresFit.Target(Datum.equal("a", "a", 1_000, 10, "ns", "x"),
                        p -> p.lazyStatePerReflectedExitNs()),
                new LeastSquaresFit.Target(Datum.equal("b", "b", 2_000, 10, "ns", "y"),
                        p -> p.lazyStatePerReflectedExitNs()));
        LeastSquaresFit.Result fit = LeastSquaresFit.fit(start(), List.of(lazy), targets);
        assertEquals(1_500, fit.values().get("lazy"), 2);
        assertEquals(50, fit.residual("a").sigmas(), 0.3);
        assertEquals(-50, fit.residual("b").sigmas(), 0.3);
        assertEquals(1, fit.degreesOfFreedom());
    }
}
