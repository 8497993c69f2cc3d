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
            b.contextSwitch(kind, 1_000);
        }
        return b.lazyStatePerReflectedExit(500).handoff("svt-sw", 100).handoff("svt-hw", 0).build();
    }

    @Test
    void zeroOrOneL1TrapInTable1sCpuidBothReachFigure6() {
        for (int k = 0; k <= 1; k++) {
            LeastSquaresFit.Result fit = Isca19Calibration.fit(start(), k);
            assertTrue(Math.abs(fit.residual("fig6.svt-hw").sigmas()) < 1, "k=" + k + " " + fit.residuals());
            assertTrue(Math.abs(fit.residual("fig6.svt-sw").sigmas()) < 1, "k=" + k + " " + fit.residuals());
            assertTrue(Math.abs(fit.residual("table1.stage1").sigmas()) < 3, "k=" + k + " " + fit.residuals());
            assertEquals(0, fit.residual("table1.stage5-bound").sigmas(), "k=" + k + " fits in stage 5");
        }
        double lazyK0 = Isca19Calibration.fit(start(), 0).values().get("lazily switched state");
        double lazyK1 = Isca19Calibration.fit(start(), 1).values().get("lazily switched state");
        assertTrue(lazyK0 > lazyK1 + 300, "without an L1 trap the lazy state must carry its cost: " + lazyK0 + " vs "
                + lazyK1);
    }

    @Test
    void threeL1TrapsDoNotFitInTable1sStage5() {
        LeastSquaresFit.Result fit = Isca19Calibration.fit(start(), 3);
        assertTrue(!fit.consistent(3), "k = 3 must leave a residual: " + fit.residuals());
        assertTrue(fit.chiSquare() > Isca19Calibration.fit(start(), 1).chiSquare());
    }

    @Test
    void everyDatumGetsItsResidualAndTheFitSaysWhatItCannotTest() {
        LeastSquaresFit.Result fit = Isca19Calibration.fit(start(), 1);
        assertEquals(Isca19Calibration.targets(1).size(), fit.residuals().size());
        assertEquals(Isca19Calibration.freeParameters().size(), fit.freeParameters());
        assertEquals(5, fit.equalities());
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
