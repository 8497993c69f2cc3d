package io.smtreplay.bench;

import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.synth.GroundTruth;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Lines per second the synthesizer writes on one core: a memcached trace of 4 vCPUs (≈ 98 400
 * lines, the exact count is fixed by the seed) printed to a stream that discards the bytes, per
 * tool. ftrace includes its counting pass (the header states the number of entries).
 * Run: {@code bin/smtreplay bench SynthBenchmark -f 1 -wi 2 -i 3}. The score is lines/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SynthBenchmark {

    /** Lines of the benchmark's trace: what one operation writes. */
    static final int LINES = 98_391;

    @Param({"ftrace", "trace-cmd", "perf"})
    public String format;

    private TraceSynthesizer synthesizer;

    private static final OutputStream DISCARD = new OutputStream() {
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    };

    @Setup
    public void setUp() {
        CostProfile profile = CostProfiles.defaultProfile();
        SynthSpec spec = new SynthSpec(Workload.MEMCACHED, TraceFormat.ofCliName(format), KernelEra.V6_12, Isa.VMX,
                4, 80_000_000L, 1, null, true);
        synthesizer = new TraceSynthesizer(spec, profile);
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public long write() {
        GroundTruth truth = synthesizer.write(DISCARD);
        return truth.lines();
    }
}
