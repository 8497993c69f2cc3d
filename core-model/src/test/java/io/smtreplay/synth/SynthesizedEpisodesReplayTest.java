package io.smtreplay.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.TrackerCounters;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The synthesizer's events, handed over typed (no text), replay through the model's tracker and
 * projection to the ground truth: the sequences it makes are the ones the tracker understands.
 * (The same through the printed text and the parsers is the ingest module's round-trip test.)
 */
class SynthesizedEpisodesReplayTest {

    private record Replayed(GroundTruth truth, TrackerCounters counters, ProjectionAccumulator projection) {
    }

    private static Replayed replay(SynthSpec spec) {
        TraceProjector projector = new TraceProjector(new Projector(SmtConfiguration.NAMED, SynthRuns.TABLE1));
        GroundTruth truth = new TraceSynthesizer(spec, SynthRuns.TABLE1).emit(e -> projector.accept(spec.appLabel(), "synth", e));
        projector.finish();
        return new Replayed(truth, projector.trackerCounters().get(spec.appLabel()), projector.byApp().get(spec.appLabel()));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("io.smtreplay.synth.GroundTruthTest#kernelsIsasWorkloads")
    void trackerFindsTheSynthesizedEpisodes(KernelEra k, Isa isa, Workload w) {
        Replayed r = replay(SynthRuns.spec(w, TraceFormat.FTRACE, k, isa, 3, w == Workload.IDLE ? 30_000 : 3_000, 8));
        assertEquals(0, r.counters().episodes().incomplete(), () -> "incomplete: " + r.counters().episodes().incompleteByReason());
        for (EpisodeType type : EpisodeType.values()) {
            assertEquals(r.truth().episodes(type), r.counters().episodes().episodes(type), type.name());
        }
        ProjectionAccumulator acc = r.projection();
        assertEquals(1.0, acc.cpuTimeSpeedup("baseline"), 1e-12);
        // the parts of the switches outside the exit->entry window move from guest time to the episodes
        assertTrue(acc.total().guestL2Ns() <= r.truth().l2GuestNs());
        assertTrue(acc.total().guestL1Ns() <= r.truth().l1GuestNs());
        assertEquals(r.truth().l2GuestNs() + r.truth().l1GuestNs() + r.truth().baselineEpisodeNs(),
                acc.total().guestNs() + acc.total().baselineNs() + acc.total().waitNs(), "no time lost or made");
        // the model counts an idle episode's switch costs as busy and the rest as waiting; a reflected
        // HLT (L1 intercepts it) pays the nested round trip, L1's HLT and the lazy state too: at most
        // 10 us of switch costs under the test profiles
        long idleSwitchesAtMost = r.truth().idleEpisodes() * 10_000;
        assertTrue(acc.total().waitNs() <= r.truth().idleWaitNs() && acc.total().waitNs() >= r.truth().idleWaitNs() - idleSwitchesAtMost,
                () -> "waiting " + acc.total().waitNs() + " of idle episodes " + r.truth().idleWaitNs());
        assertTrue(acc.cpuTimeSpeedup("svt-hw") >= acc.cpuTimeSpeedup("svt-sw") - 1e-9);
    }

    @Test
    void cpuidLoopReplaysToFigure6() {
        for (Isa isa : List.of(Isa.VMX, Isa.SVM)) {
            ProjectionAccumulator acc = replay(SynthRuns.spec(Workload.CPUID_LOOP, TraceFormat.PERF_SCRIPT, KernelEra.V4_18, isa, 2, 50_000, 3)).projection();
            assertEquals(1.94, acc.cpuTimeSpeedup("svt-hw"), 1.94 * 0.03, isa + " svt-hw");
            assertEquals(1.23, acc.cpuTimeSpeedup("svt-sw"), 1.23 * 0.03, isa + " svt-sw");
        }
    }
}
