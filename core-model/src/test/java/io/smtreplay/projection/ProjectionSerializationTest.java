package io.smtreplay.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.EventScript;
import io.smtreplay.episode.Level;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Test;

/** Java serialization of projections: what the replay job checkpoints and ships between operators. */
class ProjectionSerializationTest {

    private static final CostProfile PROFILE = CostProfile.builder("p").clockGhz(2.5)
            .contextSwitch(WorldSwitch.L2_TO_L0, 400).contextSwitch(WorldSwitch.L0_TO_L2, 350)
            .contextSwitch(WorldSwitch.L0_TO_L1, 300).contextSwitch(WorldSwitch.L1_TO_L0, 250)
            .lazyStatePerReflectedExit(900).handoff("svt-sw", 500).handoff("svt-hw", 120).build();
    private static final Projector PROJECTOR = new Projector(SmtConfiguration.NAMED, PROFILE);
    private static final double[] PERCENTILES = {0, 1, 25, 50, 90, 99, 99.9, 100};

    private static ProjectionAccumulator project(long seed) {
        TraceProjector p = new TraceProjector(PROJECTOR);
        RandomNestedWorkload.events(seed, 4, 400).forEach(e -> p.accept("app", "host", e));
        p.finish();
        return p.byApp().get("app");
    }

    private static void record(List<TraceEvent> events, ProjectionAccumulator into) {
        EpisodeTracker tracker = new EpisodeTracker(events.get(0).tid());
        EpisodeSink sink = PROJECTOR.sinkInto(into);
        events.forEach(e -> tracker.accept(e, sink));
        tracker.finish(sink);
    }

    private static byte[] serialize(Serializable o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static ProjectionAccumulator roundTrip(ProjectionAccumulator acc)
            throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialize(acc)))) {
            return (ProjectionAccumulator) in.readObject();
        }
    }

    private static List<Histogram> histograms(ProjectionAccumulator acc) {
        List<Histogram> list = new ArrayList<>();
        for (EpisodeType type : EpisodeType.values()) {
            for (ReasonStats s : acc.byReason(type).values()) {
                list.add(s.baselineLatency());
                for (int i = 0; i < acc.configurations().size(); i++) {
                    list.add(s.projectedLatency(i));
                }
            }
        }
        return list;
    }

    /** Every figure a histogram reports, and how it is set up (digits, auto-resize). */
    private static Map<String, Object> figures(Histogram h) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("digits", h.getNumberOfSignificantValueDigits());
        f.put("autoResize", h.isAutoResize());
        f.put("count", h.getTotalCount());
        f.put("min", h.getMinValue());
        f.put("max", h.getMaxValue());
        f.put("mean", h.getMean());
        f.put("stddev", h.getStdDeviation());
        for (double p : PERCENTILES) {
            f.put("p" + p, h.getValueAtPercentile(p));
        }
        List<String> recorded = new ArrayList<>();
        for (HistogramIterationValue v : h.recordedValues()) {
            recorded.add(v.getValueIteratedTo() + "x" + v.getCountAtValueIteratedTo());
        }
        f.put("recorded", recorded);
        return f;
    }

    /** Every figure the accumulator reports, by name (a map, so a mismatch names what differs). */
    private static Map<String, Object> figures(ProjectionAccumulator acc) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("configurations", acc.configurations());
        f.put("total", acc.total());
        f.put("byThread", new TreeMap<>(acc.byThread()));
        f.put("episodes", acc.episodes());
        f.put("unmodelledNs", acc.unmodelledNs());
        f.put("shorterThanModelled", acc.shorterThanModelled());
        f.put("exitMultiplication", acc.exitMultiplication());
        for (Level level : Level.values()) {
            f.put("exits " + level, acc.exits(level));
            f.put("baselineNs " + level, acc.baselineNs(level));
            for (String c : acc.configurations()) {
                f.put("projectedNs " + level + " " + c, acc.projectedNs(level, c));
            }
        }
        for (String c : acc.configurations()) {
            f.put("speedup " + c, acc.cpuTimeSpeedup(c));
            f.put("reasonsBySaving " + c, acc.reasonsBySaving(c));
        }
        for (EpisodeType type : EpisodeType.values()) {
            acc.byReason(type).forEach((reason, s) -> {
                String key = type + " " + reason;
                f.put(key + " episodes", s.episodes());
                f.put(key + " trapsIntoL0", s.trapsIntoL0());
                f.put(key + " baselineNs", s.baselineNs());
                f.put(key + " baselineLatency", figures(s.baselineLatency()));
                for (int i = 0; i < acc.configurations().size(); i++) {
                    f.put(key + " projectedNs " + i, s.projectedNs(i));
                    f.put(key + " projectedLatency " + i, figures(s.projectedLatency(i)));
                }
            });
        }
        return f;
    }

    @Test
    void roundTripKeepsEveryFigureTheAccumulatorReports() throws Exception {
        ProjectionAccumulator acc = project(41);
        assertTrue(acc.total().episodes() > 1_000 && histograms(acc).size() > 10, "the workload fills histograms");

        ProjectionAccumulator copy = roundTrip(acc);

        assertEquals(figures(acc), figures(copy));
        assertEquals(acc, copy);
        for (Histogram h : histograms(copy)) {
            assertEquals(ReasonStats.SIGNIFICANT_DIGITS, h.getNumberOfSignificantValueDigits());
            assertTrue(h.isAutoResize());
        }
    }

    @Test
    void roundTrippedAccumulatorsMergeAndTheirHistogramsStillResize() throws Exception {
        ProjectionAccumulator expected = project(42).merge(project(43));
        assertEquals(figures(expected), figures(roundTrip(project(42)).merge(roundTrip(project(43)))));
        assertEquals(figures(expected), figures(project(42).merge(roundTrip(project(43)))));

        ProjectionAccumulator original = project(44);
        ProjectionAccumulator copy = roundTrip(original);
        long highest = 0;
        for (Histogram h : histograms(original)) {
            highest = Math.max(highest, h.getHighestTrackableValue());
        }
        // an L1 MSR write (a reason the workload has) 1000 times longer than any histogram can hold yet
        long huge = highest * 1_000;
        List<TraceEvent> longMsrWrite = new EventScript(Isa.VMX, 100).entry(0).exit(10, "MSR_WRITE")
                .entry(10 + huge).events();
        record(longMsrWrite, original);
        record(longMsrWrite, copy);

        Map<String, Object> resized = figures(copy);
        assertEquals(figures(original), resized);
        ExitReason msrWrite = ExitReasons.byName("MSR_WRITE", Isa.VMX).orElseThrow();
        ReasonStats msrWrites = copy.byReason(EpisodeType.L1_EXIT).get(msrWrite);
        long baselineMax = msrWrites.baselineLatency().getMaxValue();
        assertTrue(baselineMax >= huge, "baseline max " + baselineMax);
        for (int i = 0; i < copy.configurations().size(); i++) {
            assertTrue(msrWrites.projectedLatency(i).getMaxValue() > highest, copy.configurations().get(i));
        }
        // a histogram that grew on one side merges into a round-tripped one that never saw such a value
        ProjectionAccumulator small = roundTrip(project(44));
        assertNotEquals(figures(small), resized);
        assertEquals(figures(project(44).merge(original)), figures(small.merge(copy)));
    }

    @Test
    void serializedFormIsFarSmallerThanThePlainHistograms() throws Exception {
        ProjectionAccumulator acc = project(45);
        // what Java serialization of the histograms themselves (their whole counts arrays) takes
        long plainHistogramBytes = serialize(new ArrayList<>(histograms(acc))).length;

        long accumulatorBytes = serialize(acc).length;

        assertTrue(accumulatorBytes * 10 < plainHistogramBytes,
                accumulatorBytes + " B serialized vs " + plainHistogramBytes + " B for the plain histograms alone");
    }
}
