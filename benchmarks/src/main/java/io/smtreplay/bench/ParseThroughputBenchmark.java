package io.smtreplay.bench;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse throughput on one core: the whole benchmark file (built by {@link ParseBenchTrace}) read,
 * parsed and handed to a sink that only consumes. Lines/s = lines in the file / seconds per op;
 * the file's line count is printed at setup. Compare with {@code wc -l} on the same file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ParseThroughputBenchmark {

    @Param("benchmarks/target/parse-bench-trace.txt")
    public String file;

    @Param("1000000")
    public long lines;

    @Setup
    public void build() throws IOException {
        ParseBenchTrace.build(Path.of(file), lines);
    }

    @Benchmark
    public long parseFile(Blackhole bh) throws IOException {
        ReadSummary s = TraceFileReader.read(file, new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                bh.consume(event);
            }

            @Override
            public void onRefused(RefusedLine refused) {
                bh.consume(refused);
            }
        });
        return s.lines();
    }
}
