package io.smtreplay.synth;

import io.smtreplay.episode.EpisodeType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TraceSynthesizerTest {

    private static byte[] bytes(SynthSpec spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TraceSynthesizer(spec, SynthRuns.TABLE1).write(out);
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void sameArgumentsGiveByteIdenticalOutput(Workload w) {
        SynthSpec spec = SynthRuns.spec(w, TraceFormat.PERF_SCRIPT, KernelEra.V6_12, Isa.SVM, 3, 3_000, 42);
        byte[] first = bytes(spec);
        assertTrue(first.length > 1_000, "a few ms of trace");
        assertArrayEquals(first, bytes(spec));
    }

    @Test
    void anotherSeedGivesAnotherTrace() {
        SynthSpec a = SynthRuns.spec(Workload.MEMCACHED, TraceFormat.FTRACE, KernelEra.V5_10, Isa.VMX, 2, 2_000, 1);
        SynthSpec b = SynthRuns.spec(Workload.MEMCACHED, TraceFormat.FTRACE, KernelEra.V5_10, Isa.VMX, 2, 2_000, 2);
        assertNotEquals(new String(bytes(a)).lines().skip(20).toList(), new String(bytes(b)).lines().skip(20).toList());
    }

    @ParameterizedTest
    @EnumSource(TraceFormat.class)
    void firstLineIsACommentSayingTheTraceIsSynthesizedWithTheSyntheticAppLabel(TraceFormat f) {
        SynthRuns.Run run = SynthRuns.run(SynthRuns.spec(Workload.FIO_RANDREAD, f, KernelEra.V4_18, Isa.VMX, 2, 500, 7));
        String first = run.lines().get(0);
        assertTrue(first.startsWith("# "), first);
        assertTrue(first.contains("SYNTHESIZED"), first);
        assertTrue(first.contains(" app=synthetic-fio-randread"), first);
        assertEquals("synthetic-fio-randread", run.spec().appLabel());
    }

    @Test
    void aGivenAppLabelReplacesTheSyntheticDefault() {
        SynthSpec spec = new SynthSpec(Workload.IDLE, TraceFormat.TRACE_CMD, KernelEra.V6_12, Isa.SVM, 1, 10_000_000, 1,
                "checkout-service", true);
        SynthRuns.Run run = SynthRuns.run(spec);
        assertTrue(run.lines().get(0).endsWith(" app=checkout-service"), run.lines().get(0));
        assertThrows(IllegalArgumentException.class, () -> new SynthSpec(Workload.IDLE, TraceFormat.TRACE_CMD,
                KernelEra.V6_12, Isa.SVM, 1, 1_000, 1, "two words", true));
    }

    @Test
    void toolHeadersFollowTheSynthesizedComment() {
        List<String> ftrace = SynthRuns.run(SynthRuns.spec(Workload.CPUID_LOOP, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 1, 100, 1)).lines();
        assertEquals("# tracer: nop", ftrace.get(1));
        List<String> traceCmd = SynthRuns.run(SynthRuns.spec(Workload.CPUID_LOOP, TraceFormat.TRACE_CMD, KernelEra.V6_12, Isa.VMX, 3, 100, 1)).lines();
        assertEquals("cpus=8", traceCmd.get(1));
        List<String> perf = SynthRuns.run(SynthRuns.spec(Workload.CPUID_LOOP, TraceFormat.PERF_SCRIPT, KernelEra.V6_12, Isa.VMX, 1, 100, 1)).lines();
        assertTrue(perf.get(1).contains("kvm:kvm_exit: "), perf.get(1));
    }

    @Test
    void ftraceHeaderCountsTheEntriesThatFollow() {
        SynthRuns.Run run = SynthRuns.run(SynthRuns.spec(Workload.NETPERF_RR, TraceFormat.FTRACE, KernelEra.V4_18, Isa.SVM, 2, 2_000, 3));
        long events = run.lines().stream().filter(l -> !l.startsWith("#")).count();
        assertEquals("# entries-in-buffer/entries-written: " + events + "/" + events + "   #P:6", run.lines().get(3));
        assertEquals(events, run.truth().eventLines());
    }

    @Test
    void aFailingStreamSurfacesAsAnIoError() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        SynthSpec spec = SynthRuns.spec(Workload.CPUID_LOOP, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 1, 20_000, 1);
        assertThrows(UncheckedIOException.class, () -> new TraceSynthesizer(spec, SynthRuns.TABLE1).write(broken));
    }

    @Test
    void vmxWithoutShadowVmcsAddsL1VmcsAccessesToEveryReflectedExit() {
        SynthSpec shadow = SynthRuns.spec(Workload.CPUID_LOOP, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 1, 1_000, 1);
        SynthSpec none = new SynthSpec(Workload.CPUID_LOOP, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 1, 1_000_000, 1, null, false);
        GroundTruth withShadow = SynthRuns.run(shadow).truth();
        GroundTruth without = SynthRuns.run(none).truth();
        assertEquals(null, withShadow.l1ExitsByReason().get("VMREAD"));
        long reflected = without.episodes(EpisodeType.L2_EXIT_REFLECTED);
        assertEquals(6 * reflected, without.l1ExitsByReason().get("VMREAD"));
        assertEquals(2 * reflected + reflected, without.l1ExitsByReason().get("VMWRITE"), "plus cpuid-loop's own unshadowed field");
    }

    @Test
    void l2MmioOnVmxExitsToL0AsAnEptViolationAndReachesL1AsAnEptMisconfig() {
        GroundTruth vmx = SynthRuns.run(SynthRuns.spec(Workload.MEMCACHED, TraceFormat.FTRACE, KernelEra.V5_10, Isa.VMX, 2, 3_000, 1)).truth();
        long kicks = vmx.episodesByTypeAndReason().get("L2_EXIT_REFLECTED EPT_MISCONFIG");
        assertTrue(kicks > 10);
        assertEquals(kicks, vmx.injectedByReason().get("EPT_MISCONFIG"));
        assertEquals(null, vmx.l2ExitsByReason().get("EPT_MISCONFIG"), "L0 never sees L2's misconfiguration itself");
        assertEquals(kicks, vmx.l2ExitsByReason().get("EPT_VIOLATION") - vmx.episodesByTypeAndReason()
                .getOrDefault("L2_EXIT_HANDLED_BY_L0 EPT_VIOLATION", 0L), "L0 saw each kick as an EPT violation");
        assertTrue(vmx.l1ExitsByReason().get("EPT_MISCONFIG") > 0, "L1's own doorbell writes do exit as EPT_MISCONFIG");
        GroundTruth svm = SynthRuns.run(SynthRuns.spec(Workload.MEMCACHED, TraceFormat.FTRACE, KernelEra.V5_10, Isa.SVM, 2, 3_000, 1)).truth();
        assertEquals(svm.episodesByTypeAndReason().get("L2_EXIT_REFLECTED npf"), svm.injectedByReason().get("npf"));
    }
}
