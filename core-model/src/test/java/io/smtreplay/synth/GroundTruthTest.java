package io.smtreplay.synth;

import io.smtreplay.episode.EpisodeType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import io.smtreplay.trace.TraceTimestamps;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ground truth the synthesizer reports equals what a reader of the printed file finds: this
 * test walks the ftrace text per thread with its own small state machine (kvm_exit, then
 * kvm_nested_vmexit for an L2 exit, kvm_nested_vmexit_inject for a reflection, L1's exits until
 * its VMRESUME/VMRUN, and the entry back into L2).
 */
class GroundTruthTest {

    private static final Pattern LINE = Pattern.compile("^ *.{1,16}-(\\d+) +\\[\\d{3}\\] \\S+ +(\\d+\\.\\d{6}): (\\w+): (.*)$");
    private static final Pattern REASON = Pattern.compile("reason:? (\\S+)");

    /** What the walk finds, keyed like {@link GroundTruth}. */
    private static final class Found {
        final Map<String, Long> episodes = new TreeMap<>();
        final Map<String, Long> episodeNs = new TreeMap<>();
        final Map<String, Long> byReason = new TreeMap<>();
        final Map<String, Long> l2Exits = new TreeMap<>();
        final Map<String, Long> l1Exits = new TreeMap<>();
        long l2GuestNs;
        long l1GuestNs;
        long reflectedL1Ns;
    }

    private static final class Walk {
        long lastEntry = -1;
        long start;
        long pendingGuest = -1;
        String reason;
        boolean l2;
        boolean reflected;
        boolean l1Running;
        boolean resumed;
        long l1Since;
    }

    private static void add(Map<String, Long> m, String k, long v) {
        m.merge(k, v, Long::sum);
    }

    private static Found walk(String text) {
        Found found = new Found();
        Map<String, Walk> threads = new HashMap<>();
        for (String line : text.lines().toList()) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Walk w = threads.computeIfAbsent(m.group(1), t -> new Walk());
            long ts = TraceTimestamps.parseSecondsToNanos(m.group(2));
            Matcher r = REASON.matcher(m.group(4));
            switch (m.group(3)) {
                case "kvm_exit" -> {
                    r.find();
                    if (w.l1Running) {
                        add(found.l1Exits, r.group(1), 1);
                        found.reflectedL1Ns += ts - w.l1Since;
                        w.l1Running = false;
                        w.resumed = r.group(1).equals("VMRESUME") || r.group(1).equals("vmrun");
                    } else {
                        w.start = ts;
                        w.reason = r.group(1);
                        w.l2 = false;
                        w.reflected = false;
                        w.pendingGuest = w.lastEntry < 0 ? -1 : ts - w.lastEntry;
                    }
                }
                case "kvm_nested_vmexit" -> {
                    w.l2 = true;
                    add(found.l2Exits, w.reason, 1);
                }
                case "kvm_nested_vmexit_inject" -> {
                    w.reflected = true;
                    Matcher injected = REASON.matcher(line);
                    if (injected.find()) {
                        w.reason = injected.group(1); // reported under the reason L1 handled
                    }
                }
                case "kvm_entry" -> {
                    if (w.reflected && !w.resumed) {
                        w.l1Running = true;
                        w.l1Since = ts;
                        continue;
                    }
                    String type = w.reflected ? "L2_EXIT_REFLECTED" : w.l2 ? "L2_EXIT_HANDLED_BY_L0" : "L1_EXIT";
                    if (!w.l2) {
                        add(found.l1Exits, w.reason, 1);
                    }
                    add(found.episodes, type, 1);
                    add(found.episodeNs, type, ts - w.start);
                    add(found.byReason, type + " " + w.reason, 1);
                    if (w.pendingGuest >= 0) {
                        if (w.l2) {
                            found.l2GuestNs += w.pendingGuest;
                        } else {
                            found.l1GuestNs += w.pendingGuest;
                        }
                    }
                    w.lastEntry = ts;
                    w.reflected = false;
                    w.resumed = false;
                }
                default -> { }
            }
        }
        return found;
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> kernelsIsasWorkloads() {
        java.util.List<org.junit.jupiter.params.provider.Arguments> all = new java.util.ArrayList<>();
        for (KernelEra k : KernelEra.values()) {
            for (Isa isa : java.util.List.of(Isa.VMX, Isa.SVM)) {
                for (Workload w : Workload.values()) {
                    all.add(org.junit.jupiter.params.provider.Arguments.of(k, isa, w));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("kernelsIsasWorkloads")
    void reportedGroundTruthIsWhatTheFileHolds(KernelEra k, Isa isa, Workload w) {
        SynthRuns.Run run = SynthRuns.run(SynthRuns.spec(w, TraceFormat.FTRACE, k, isa, 3, w == Workload.IDLE ? 30_000 : 3_000, 5));
        GroundTruth truth = run.truth();
        Found found = walk(run.text());
        assertTrue(truth.totalEpisodes() > 10, "enough episodes to mean something");
        for (EpisodeType t : EpisodeType.values()) {
            assertEquals(found.episodes.getOrDefault(t.name(), 0L), truth.episodes(t), t.name());
            assertEquals(found.episodeNs.getOrDefault(t.name(), 0L), truth.episodeNs(t), t.name() + " ns");
        }
        assertEquals(found.byReason, truth.episodesByTypeAndReason());
        assertEquals(found.l2Exits, truth.l2ExitsByReason());
        assertEquals(found.l1Exits, truth.l1ExitsByReason());
        assertEquals(found.l2GuestNs, truth.l2GuestNs());
        assertEquals(found.l1GuestNs, truth.l1GuestNs());
        assertEquals(found.reflectedL1Ns, truth.reflectedL1Ns());
        assertEquals(truth.episodeNs(EpisodeType.L2_EXIT_REFLECTED), truth.reflectedL0Ns() + truth.reflectedL1Ns());
    }

    @Test
    void cpuidLoopIterationIsTable1sTenPointFourMicroseconds() {
        for (Isa isa : java.util.List.of(Isa.VMX, Isa.SVM)) {
            GroundTruth truth = SynthRuns.run(SynthRuns.spec(Workload.CPUID_LOOP, TraceFormat.FTRACE, KernelEra.V4_18, isa, 2, 20_000, 9)).truth();
            long iterations = truth.episodes(EpisodeType.L2_EXIT_REFLECTED);
            assertEquals(truth.totalEpisodes(), iterations, "nothing but reflected cpuids");
            // the first exit of each vCPU has no guest window before it
            double perIteration = (double) (truth.l2GuestNs() + truth.baselineEpisodeNs()) / (iterations - 2);
            assertEquals(10_400, perIteration, 10_400 * 0.01, "µs-truncated timestamps still average to Table 1's total");
            assertEquals(2 * iterations, truth.switches(WorldSwitch.L0_TO_L1), "the reflection and the resume after L1's trap");
            assertEquals(3.0, truth.exitMultiplication(), 1e-9, "the paper's example: 3 traps into L0 per L2 cpuid");
        }
    }

    @Test
    void cpuidLoopKeepsTable1sTotalWhateverTheSwitchCosts() {
        SynthSpec spec = SynthRuns.spec(Workload.CPUID_LOOP, TraceFormat.PERF_SCRIPT, KernelEra.V6_12, Isa.VMX, 1, 20_000, 4);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        GroundTruth truth = new TraceSynthesizer(spec, SynthRuns.profile(1_000, 900, 800, 700)).write(out);
        long iterations = truth.episodes(EpisodeType.L2_EXIT_REFLECTED);
        double perIteration = (double) (truth.l2GuestNs() + truth.baselineEpisodeNs()) / (iterations - 1);
        assertEquals(10_400, perIteration, 10_400 * 0.01);
        assertThrows(IllegalArgumentException.class,
                () -> new TraceSynthesizer(spec, SynthRuns.profile(3_000, 3_000, 3_000, 3_000)).write(out),
                "switches longer than the whole Table 1 episode leave the handlers nothing");
    }

    @Test
    void idleWaitsAreReportedApartFromOverhead() {
        GroundTruth truth = SynthRuns.run(SynthRuns.spec(Workload.IDLE, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 1, 50_000, 2)).truth();
        assertTrue(truth.idleEpisodes() >= 10);
        assertTrue(truth.idleWaitNs() > 0.9 * truth.episodeNs(EpisodeType.L2_EXIT_REFLECTED),
                "an idle L2 mostly waits in its HLT, which L1 intercepts");
    }
}
