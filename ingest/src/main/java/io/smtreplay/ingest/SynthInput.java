package io.smtreplay.ingest;

import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Synthesized workloads as the wire records {@code ingest} would publish, merged by timestamp
 * across workloads as hosts tracing at the same time would send them (event time must not go
 * back further than the out-of-orderness bound within a partition): {@code run}'s demo set, the
 * job's tests and the benchmarks. Held in memory, so for small sets; trace files stream through
 * {@link io.smtreplay.ingest.parse.ParallelTraceReader#readTimeMerged} instead.
 */
public final class SynthInput {

    private final List<ExitEvent> events = new ArrayList<>();

    public static SynthInput of(List<SynthSpec> specs, CostProfile profile) {
        SynthInput input = new SynthInput();
        for (SynthSpec spec : specs) {
            String source = "synth:" + spec.workload().cliName();
            Labels labels = new Labels("demo-" + spec.workload().cliName(), null, spec.appLabel());
            long[] sequence = {0};
            new TraceSynthesizer(spec, profile).emit(e ->
                    input.events.add(ExitEventMapping.toAvro(new ParsedEvent(source, -1, sequence[0]++, e), labels)));
        }
        input.sortByTime();
        return input;
    }

    /** Stable: each source keeps its own order; events without timestamp stay where they were relative to their source. */
    private void sortByTime() {
        events.sort(Comparator.comparingLong(e -> e.getTimestampNs() == null ? Long.MIN_VALUE : e.getTimestampNs()));
    }

    public List<ExitEvent> events() {
        return events;
    }

}
