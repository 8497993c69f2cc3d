package io.smtreplay.bench;

import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.synth.GroundTruth;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.util.Locale;

/**
 * Memory of tracker + projection over a long trace, without text: the synthesizer's typed events
 * go straight into {@link TraceProjector}. Run it under a small heap and compare a short and a
 * long trace: {@code java -Xmx512m -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
 * io.smtreplay.bench.SynthReplayMemory memcached 85500} (workload, trace ms; 4 vCPUs, 6.12 VMX).
 */
public final class SynthReplayMemory {

    private SynthReplayMemory() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: SynthReplayMemory WORKLOAD TRACE_MS");
            System.exit(2);
        }
        CostProfile profile = CostProfiles.defaultProfile();
        SynthSpec spec = new SynthSpec(Workload.ofCliName(args[0]), TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 4,
                Long.parseLong(args[1]) * 1_000_000L, 1, null, true);
        TraceProjector projector = new TraceProjector(new Projector(SmtConfiguration.NAMED, profile));
        long start = System.nanoTime();
        GroundTruth truth = new TraceSynthesizer(spec, profile).emit(e -> projector.accept(spec.appLabel(), "synth", e));
        projector.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        ProjectionAccumulator app = projector.byApp().get(spec.appLabel());
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "events %d in %.1f s (%.2f M/s); episodes %d; svt-sw %.3fx svt-hw %.3fx; heap in use %d MB of %d MB%n",
                truth.eventLines(), seconds, truth.eventLines() / seconds / 1e6, truth.totalEpisodes(),
                app.cpuTimeSpeedup("svt-sw"), app.cpuTimeSpeedup("svt-hw"), (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
    }
}
