package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.testing.SharedTraces;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.trace.TraceFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The common record never takes the slow path: in real captures and in synthesized traces of
 * every format, every event but the few the fast decoder declines by design is decoded in the
 * buffer. Declined by design: the first exit, read before the source's ISA is known;
 * and old kernels' {@code kvm_nested_intercepts} ({@code ... intercept: %016llx}), which is not whole
 * by the handler's format (it waits for {@code intercepts: A B C}), so the next line decides.
 */
class FastPathCoverageTest {

    /** Events by (tracepoint, decoded in place). */
    private static Map<String, Long> paths(byte[] input) throws IOException {
        Map<String, Long> byPath = new TreeMap<>();
        TraceFileReader.read("x", new ByteArrayInputStream(input), new TraceRecordSink() {
            @Override
            public void onDecoded(EventView event) {
                boolean fast = event.decodedInPlace();
                byPath.merge(event.toParsedEvent().event().tracepoint() + (fast ? " fast" : " slow"), 1L, Long::sum);
            }

            @Override
            public void onEvent(ParsedEvent event) {
            }

            @Override
            public void onRefused(RefusedLine refused) {
            }
        });
        return byPath;
    }

    private static void onlyTheFirstExitAndOldInterceptsSlow(Map<String, Long> byPath) {
        for (Map.Entry<String, Long> e : byPath.entrySet()) {
            // sched events are read on the slow path by design (SchedHandler): a few per I/O request
            if (e.getKey().endsWith(" slow") && !e.getKey().startsWith("kvm_nested_intercepts ")
                    && !e.getKey().startsWith("sched_")) {
                assertTrue(e.getValue() <= 1, () -> "slow path taken by " + e + " in " + byPath);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"svm-nested-tinyvmm-k6.1-n2000.txt.gz", "svm-single-tinyvmm-k6.1-n2000.txt.gz"})
    void labCapturesDecodeInPlace(String name) throws IOException {
        Map<String, Long> byPath = paths(Files.readAllBytes(SharedTraces.named(name)));
        assertTrue(byPath.getOrDefault("kvm_exit fast", 0L) > 1000, byPath::toString);
        if (name.startsWith("svm-nested")) {
            assertTrue(byPath.getOrDefault("kvm_nested_vmenter fast", 0L) > 1000, byPath::toString);
        }
        onlyTheFirstExitAndOldInterceptsSlow(byPath);
    }

    @ParameterizedTest
    @EnumSource(TraceFormat.class)
    void synthesizedTracesDecodeInPlace(TraceFormat format) throws IOException {
        for (KernelEra kernel : KernelEra.values()) {
            for (Isa isa : new Isa[] {Isa.VMX, Isa.SVM}) {
                SynthSpec spec = new SynthSpec(Workload.MEMCACHED, format, kernel, isa, 2, 3_000_000, 5, null, true);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                new TraceSynthesizer(spec, CostProfiles.defaultProfile()).write(out);
                Map<String, Long> byPath = paths(out.toByteArray());
                assertTrue(byPath.getOrDefault("kvm_entry fast", 0L) > 100, () -> spec + " " + byPath);
                onlyTheFirstExitAndOldInterceptsSlow(byPath);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aRecordWrappedOverTwoLinesTakesTheSlowPath() throws IOException {
        Map<String, Long> byPath = paths(("  CPU 0/KVM-7289 [023] d..2. 100.000001: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0x1\n"
                + "info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0\n").getBytes());
        assertEquals(Map.of("kvm_exit slow", 1L), byPath);
    }
}
