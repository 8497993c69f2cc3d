package io.smtreplay.replay.embedded;

import io.smtreplay.profile.CostProfile;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import io.smtreplay.replay.ExitEventMapping;
import io.smtreplay.schemas.ExitEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code smtreplay run} replays when given no files: a synthesized trace per workload of the
 * paper (labelled {@code synthetic-<workload>}, each on its own host), a few hundred ms of trace time.
 */
public final class DemoSet {

    /** Trace time per workload: with the default 10 s window, not one complete window; see {@link #DEMO_WINDOW}. */
    public static final long DURATION_NS = 80_000_000L;
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

    /**
     * Publishes every spec's events (host {@code demo-<workload>}), merged by timestamp across the
     * specs as hosts tracing at the same time would send them: event time must not go back
     * further than the out-of-orderness bound within a partition.
     *
     * @return events published
     */
    public static long publish(List<SynthSpec> specs, CostProfile profile, ExitEventProducer producer) {
        List<ExitEvent> all = new ArrayList<>();
        for (SynthSpec spec : specs) {
            String host = "demo-" + spec.workload().cliName();
            String source = "synth:" + spec.workload().cliName();
            long[] sequence = {0};
            new TraceSynthesizer(spec, profile).emit(e ->
                    all.add(ExitEventMapping.toAvro(e, host, spec.appLabel(), source, sequence[0]++)));
        }
        all.sort(Comparator.comparingLong(ExitEvent::getTimestampNs)); // stable: each source keeps its order
        all.forEach(producer::publish);
        producer.flush();
        return all.size();
    }
}
