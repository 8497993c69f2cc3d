package io.smtreplay.cli.local;

import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.util.List;

/**
 * What {@code smtreplay run} replays when given no files: a synthesized trace per workload of the
 * paper (labelled {@code synthetic-<workload>}, each on its own host), a few hundred ms of trace time.
 */
public final class DemoSet {

    /** The window {@code run} uses for the demo set unless told otherwise: several windows per app. */
    public static final String DEMO_WINDOW = "20ms";
    /** Published in time order: events are never late, a small bound keeps few events waiting. */
    public static final String DEMO_OUT_OF_ORDERNESS = "1ms";

    static final List<Workload> WORKLOADS = List.of(Workload.MEMCACHED, Workload.NETPERF_RR,
            Workload.FIO_RANDREAD, Workload.CPUID_LOOP);

    private DemoSet() {
    }

    public static List<SynthSpec> specs(long durationNs) {
        return WORKLOADS.stream()
                .map(w -> new SynthSpec(w, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 2, durationNs, 1, null, true))
                .toList();
    }

}
