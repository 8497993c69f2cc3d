package io.smtreplay.synth;

import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Small synthesized traces for tests, and the grid of format × kernel × ISA. */
final class SynthRuns {

    record Run(SynthSpec spec, String text, GroundTruth truth) {
        List<String> lines() {
            return text.lines().toList();
        }
    }

    /**
     * The numbers of the default profile (ingest's profiles/isca19-table1.json, not readable from
     * core-model): Table 1's switch costs (0.81 µs per L2↔L0 pair, 1.40 µs per nested L0↔L1 round
     * trip), a plain L1 round trip of 0.45 µs, 0.135 µs of each switch outside the exit→entry window,
     * 2.38 µs of lazily switched state per reflected exit, a free svt-hw handoff and a 0.6925 µs svt-sw one.
     */
    static final CostProfile TABLE1 = CostProfile.builder("test").clockGhz(2.4)
            .contextSwitch(WorldSwitch.L2_TO_L0, 405).contextSwitch(WorldSwitch.L0_TO_L2, 405)
            .contextSwitch(WorldSwitch.L0_TO_L1, 225).contextSwitch(WorldSwitch.L1_TO_L0, 225)
            .nestedTransition(WorldSwitch.L0_TO_L1, 700).nestedTransition(WorldSwitch.L1_TO_L0, 700)
            .outsideWindow(WorldSwitch.L2_TO_L0, 135).outsideWindow(WorldSwitch.L0_TO_L2, 135)
            .outsideWindow(WorldSwitch.L0_TO_L1, 135).outsideWindow(WorldSwitch.L1_TO_L0, 135)
            .lazyStatePerReflectedExit(2_380).handoff("svt-hw", 0).handoff("svt-sw", 693).build();

    private SynthRuns() {
    }

    static CostProfile profile(long l2ToL0, long l0ToL2, long l0ToL1, long l1ToL0) {
        return CostProfile.builder("test").clockGhz(2.4)
                .contextSwitch(WorldSwitch.L2_TO_L0, l2ToL0).contextSwitch(WorldSwitch.L0_TO_L2, l0ToL2)
                .contextSwitch(WorldSwitch.L0_TO_L1, l0ToL1).contextSwitch(WorldSwitch.L1_TO_L0, l1ToL0)
                .lazyStatePerReflectedExit(1_430).handoff("svt-hw", 0).handoff("svt-sw", 571).build();
    }

    static SynthSpec spec(Workload w, TraceFormat f, KernelEra k, Isa isa, int vcpus, long durationUs, long seed) {
        return new SynthSpec(w, f, k, isa, vcpus, durationUs * 1_000, seed, null, true);
    }

    static Run run(SynthSpec spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GroundTruth truth = new TraceSynthesizer(spec, TABLE1).write(out);
        return new Run(spec, out.toString(StandardCharsets.US_ASCII), truth);
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
}
