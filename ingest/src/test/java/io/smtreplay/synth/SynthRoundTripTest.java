package io.smtreplay.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.TrackerCounters;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.ReasonStats;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * synth → text → the ingest parsers → tracker → projection recovers what the synthesizer says it
 * wrote: every event line parsed, only the header lines refused, episodes by type and reason
 * exactly, guest and episode time exactly (timestamps are the printed microseconds on both
 * sides), and the projection equal to the one of the same events handed over typed.
 */
class SynthRoundTripTest {

    private static final CostProfile PROFILE = CostProfiles.defaultProfile();
    /** What the parser says of a '#' comment that is not part of ftrace's own header. */
    private static final RefusalReason COMMENT_REFUSAL = RefusalReason.ANNOTATION;

    private record Parsed(ReadSummary summary, List<RefusedLine> refused, ProjectionAccumulator projection,
                          TrackerCounters counters) {
    }

    private static Parsed parse(SynthSpec spec, byte[] text) throws IOException {
        TraceProjector projector = new TraceProjector(new Projector(SmtConfiguration.NAMED, PROFILE));
        List<RefusedLine> refused = new ArrayList<>();
        ReadSummary summary = TraceFileReader.read("synth", new ByteArrayInputStream(text), new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                projector.accept(spec.appLabel(), event.source(), event.event());
            }

            @Override
            public void onRefused(RefusedLine line) {
                refused.add(line);
            }
        });
        projector.finish();
        return new Parsed(summary, refused, projector.byApp().get(spec.appLabel()), projector.trackerCounters().get(spec.appLabel()));
    }

    private static ProjectionAccumulator typed(SynthSpec spec) {
        TraceProjector projector = new TraceProjector(new Projector(SmtConfiguration.NAMED, PROFILE));
        new TraceSynthesizer(spec, PROFILE).emit(e -> projector.accept(spec.appLabel(), "synth", e));
        projector.finish();
        return projector.byApp().get(spec.appLabel());
    }

    private static byte[] write(SynthSpec spec, GroundTruth[] truth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        truth[0] = new TraceSynthesizer(spec, PROFILE).write(out);
        return out.toByteArray();
    }

    /** Only the header lines are refused, each as a header: no event line is lost. */
    private static void onlyHeaderLinesRefused(SynthSpec spec, GroundTruth truth, Parsed parsed) {
        assertEquals(truth.eventLines(), parsed.summary().events(), () -> spec + ": refused " + parsed.refused());
        assertEquals(truth.headerLines(), parsed.summary().refused(), () -> spec + ": refused " + parsed.refused());
        for (RefusedLine line : parsed.refused()) {
            assertTrue(line.lineNumber() <= truth.headerLines(), () -> "an event line refused: " + line);
        }
        // the synthesized-trace comment is refused as a comment, the same way whatever the tool
        assertEquals(1, parsed.refused().get(0).lineNumber());
        assertEquals(COMMENT_REFUSAL, parsed.refused().get(0).reason(), () -> "line 1 refused as " + parsed.refused().get(0));
        assertEquals(spec.format(), parsed.summary().detectedFormat());
    }

    static Stream<Arguments> formatsKernelsIsas() {
        List<Arguments> all = new ArrayList<>();
        for (TraceFormat f : TraceFormat.values()) {
            for (KernelEra k : KernelEra.values()) {
                for (Isa isa : List.of(Isa.VMX, Isa.SVM)) {
                    all.add(Arguments.of(f, k, isa));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("formatsKernelsIsas")
    void parsedTrackedAndProjectedItGivesBackTheGroundTruth(TraceFormat f, KernelEra k, Isa isa) throws IOException {
        // memcached: reflected exits with L1 traps inside, L2 exits L0 handles (npf, HLT, interrupts), L1-only exits
        SynthSpec spec = new SynthSpec(Workload.MEMCACHED, f, k, isa, 3, 2_000_000, 17, null, true);
        GroundTruth[] truth = new GroundTruth[1];
        Parsed parsed = parse(spec, write(spec, truth));
        onlyHeaderLinesRefused(spec, truth[0], parsed);

        assertEquals(0, parsed.counters().episodes().incomplete(), () -> "incomplete " + parsed.counters().episodes().incompleteByReason());
        for (EpisodeType type : EpisodeType.values()) {
            assertEquals(truth[0].episodes(type), parsed.counters().episodes().episodes(type), type.name());
            assertTrue(truth[0].episodes(type) > 0, type + " present");
        }
        Map<String, Long> byTypeAndReason = new TreeMap<>();
        for (EpisodeType type : EpisodeType.values()) {
            for (Map.Entry<ExitReason, ReasonStats> e : parsed.projection().byReason(type).entrySet()) {
                byTypeAndReason.put(type + " " + e.getKey().name(), e.getValue().episodes());
            }
        }
        assertEquals(truth[0].episodesByTypeAndReason(), byTypeAndReason);

        ProjectionAccumulator projection = parsed.projection();
        // the switch parts outside the exit->entry window move from guest time to the episodes
        assertTrue(projection.total().guestL2Ns() <= truth[0].l2GuestNs());
        assertTrue(projection.total().guestL1Ns() <= truth[0].l1GuestNs());
        assertEquals(truth[0].l2GuestNs() + truth[0].l1GuestNs() + truth[0].baselineEpisodeNs(),
                projection.total().guestNs() + projection.total().baselineNs() + projection.total().waitNs());
        assertEquals(truth[0].exitMultiplication(), projection.exitMultiplication(), 1e-9);
        // the same events typed: identical projected costs, to the nanosecond
        assertEquals(typed(spec), projection);
    }

    @Test
    void cpuidLoopParsedFromEveryToolReplaysToFigure6() throws IOException {
        for (TraceFormat f : TraceFormat.values()) {
            SynthSpec spec = new SynthSpec(Workload.CPUID_LOOP, f, KernelEra.V4_18, Isa.VMX, 2, 5_000_000, 1, null, true);
            GroundTruth[] truth = new GroundTruth[1];
            Parsed parsed = parse(spec, write(spec, truth));
            onlyHeaderLinesRefused(spec, truth[0], parsed);
            assertEquals(1.94, parsed.projection().cpuTimeSpeedup("svt-hw"), 1.94 * 0.03, f + " svt-hw");
            assertEquals(1.23, parsed.projection().cpuTimeSpeedup("svt-sw"), 1.23 * 0.03, f + " svt-sw");
        }
    }

    @Test
    void everySynthesizedLineParsesWhateverTheSeedAndArguments() throws IOException {
        SplittableRandom pick = new SplittableRandom(311);
        for (int i = 0; i < 40; i++) {
            SynthSpec spec = new SynthSpec(Workload.values()[pick.nextInt(Workload.values().length)],
                    TraceFormat.values()[pick.nextInt(TraceFormat.values().length)],
                    KernelEra.values()[pick.nextInt(KernelEra.values().length)], pick.nextBoolean() ? Isa.VMX : Isa.SVM,
                    1 + pick.nextInt(5), 100_000 + pick.nextInt(1_500_000), pick.nextLong(), null, pick.nextBoolean());
            GroundTruth[] truth = new GroundTruth[1];
            byte[] text = write(spec, truth);
            onlyHeaderLinesRefused(spec, truth[0], parse(spec, text));
        }
    }

    /**
     * The I/O path's wake-ups survive every tool's text: parsed back, every wait of a 2-vCPU
     * netperf-rr has its cause (none held fixed), and under svt-hw the waits shrink.
     */
    @Test
    void everyIoWaitHasItsCauseInEveryToolsText() throws IOException {
        for (TraceFormat f : TraceFormat.values()) {
            for (KernelEra k : KernelEra.values()) {
                SynthSpec spec = new SynthSpec(Workload.NETPERF_RR, f, k, Isa.SVM, 2, 5_000_000, 3, null, true);
                GroundTruth[] truth = new GroundTruth[1];
                Parsed parsed = parse(spec, write(spec, truth));
                onlyHeaderLinesRefused(spec, truth[0], parsed);
                var t = parsed.projection().total();
                assertTrue(t.waitNs() > 0, spec + ": waits present");
                assertEquals(0, t.unexplainedWaitNs(), spec + ": every wait explained");
                assertTrue(t.projectedWaitNs(parsed.projection().indexOf("svt-hw")) < t.waitNs(), spec + ": waits shrink");
            }
        }
    }
}
