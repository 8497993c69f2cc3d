package io.smtreplay.synth;

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

    private SynthRuns() {
    }

    static SynthSpec spec(Workload w, TraceFormat f, KernelEra k, Isa isa, int vcpus, long durationUs, long seed) {
        return new SynthSpec(w, f, k, isa, vcpus, durationUs * 1_000, seed, null, true);
    }

    static Run run(SynthSpec spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GroundTruth truth = new TraceSynthesizer(spec, SynthTiming.table1()).write(out);
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
