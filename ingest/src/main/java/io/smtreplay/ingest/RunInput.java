package io.smtreplay.ingest;

import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code run} publishes: trace files (parsed by ingest's readers) or the synthesized demo
 * set, merged by timestamp across inputs as hosts tracing at the same time would send them
 * (event time must not go back further than the out-of-orderness bound within a partition).
 * Refused lines are kept for the dead-letter topic.
 */
public final class RunInput {

    private final List<ExitEvent> events = new ArrayList<>();
    private final List<RejectedLine> refused = new ArrayList<>();

    /** Each file is its own host ({@code file name}); its app is the file name without extension. */
    public static RunInput ofFiles(List<Path> files) throws IOException {
        RunInput input = new RunInput();
        for (Path file : files) {
            String name = file.getFileName().toString();
            Labels labels = new Labels(name, null, Labels.appOfFile(file.toString()));
            TraceFileReader.read(file.toString(), new TraceRecordSink() {
                @Override
                public void onEvent(ParsedEvent event) {
                    input.events.add(ExitEventMapping.toAvro(event, labels));
                }

                @Override
                public void onRefused(RefusedLine line) {
                    input.refused.add(ExitEventMapping.toAvro(line, labels));
                }
            });
        }
        input.sortByTime();
        return input;
    }

    /** The synthesizer's typed events (no text round trip); host {@code demo-<workload>}. */
    public static RunInput ofSynth(List<SynthSpec> specs, CostProfile profile) {
        RunInput input = new RunInput();
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

    public List<RejectedLine> refused() {
        return refused;
    }
}
