package io.smtreplay.bench;

import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.WireCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Avro encoding on one core, per event: the real traces' events (every shared trace), mapped to
 * ExitEvent and single-object encoded, as ingest does before sending. {@code encodeOnly} takes
 * pre-mapped records; {@code mapAndEncode} includes the mapping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncodeExitEventBenchmark {
    private final WireCodec<ExitEvent> codec = WireCodec.exitEvents();
    private final Labels labels = new Labels("l0-host-01", "vm-7", "shop");
    private List<ParsedEvent> events;
    private ExitEvent[] records;
    private int next;

    @Setup
    public void load() throws IOException {
        events = new ArrayList<>();
        String text = String.join("\n", ParseBenchTrace.sharedLines()) + "\n";
        TraceFileReader.read("bench", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                events.add(event);
            }

            @Override
            public void onRefused(RefusedLine refused) {
            }
        });
        records = events.stream().map(e -> ExitEventMapping.toAvro(e, labels)).toArray(ExitEvent[]::new);
    }

    @Benchmark
    public byte[] encodeOnly() {
        ExitEvent r = records[next];
        next = next + 1 == records.length ? 0 : next + 1;
        return codec.encode(r);
    }

    @Benchmark
    public byte[] mapAndEncode() {
        ParsedEvent e = events.get(next);
        next = next + 1 == records.length ? 0 : next + 1;
        return codec.encode(ExitEventMapping.toAvro(e, labels));
    }
}
