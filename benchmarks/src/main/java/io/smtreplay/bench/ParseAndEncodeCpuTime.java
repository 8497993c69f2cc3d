package io.smtreplay.bench;

import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.WireCodec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-core throughput measured in this thread's CPU time rather than wall time: on a machine
 * shared with other jobs, wall time measures the neighbours; CPU time measures the code (as
 * {@code /usr/bin/time}'s user+sys does for {@code wc -l}). Runs warm-up rounds first, then
 * prints lines per CPU-second for parsing and events per CPU-second for Avro encoding and decoding.
 * Usage: {@code ParseAndEncodeCpuTime [FILE] [ROUNDS]}.
 */
public final class ParseAndEncodeCpuTime {

    private ParseAndEncodeCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        Path file = ParseBenchTrace.build(Path.of(args.length > 0 ? args[0] : "benchmarks/target/parse-bench-trace.txt"), 1_000_000);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<ParsedEvent> sample = new ArrayList<>();
        long[] sink = new long[1];
        TraceRecordSink collecting = new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                if (sample.size() < 200_000) {
                    sample.add(event);
                }
                sink[0] += event.sequence();
            }

            @Override
            public void onRefused(RefusedLine refused) {
                sink[0] += refused.lineNumber();
            }
        };
        for (int r = 0; r < rounds * 2; r++) {
            // baseline: the same file through the same reader stack, lines only (no parsing)
            long cpu = mx.getCurrentThreadCpuTime();
            long lines = 0;
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    java.nio.file.Files.newInputStream(file), java.nio.charset.StandardCharsets.UTF_8), 1 << 16)) {
                while (in.readLine() != null) {
                    lines++;
                }
            }
            long cpuNs = mx.getCurrentThreadCpuTime() - cpu;
            System.out.printf("readLine only %s round %d: %.0f lines per CPU-second%n", r < rounds ? "warm-up" : "measured", r,
                    lines * 1e9 / cpuNs);
        }
        for (int r = 0; r < rounds * 2; r++) {
            long cpu = mx.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            ReadSummary s = TraceFileReader.read(file.toString(), collecting);
            long cpuNs = mx.getCurrentThreadCpuTime() - cpu;
            long wallNs = System.nanoTime() - wall;
            System.out.printf("parse %s round %d: %d lines, %.0f lines per CPU-second (wall %.0f lines/s)%n",
                    r < rounds ? "warm-up" : "measured", r, s.lines(), s.lines() * 1e9 / cpuNs, s.lines() * 1e9 / wallNs);
        }
        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        Labels labels = new Labels("l0-host-01", "vm-7", "shop");
        ExitEvent[] records = sample.stream().map(e -> ExitEventMapping.toAvro(e, labels)).toArray(ExitEvent[]::new);
        for (int r = 0; r < rounds * 2; r++) {
            long cpu = mx.getCurrentThreadCpuTime();
            long bytes = 0;
            for (ExitEvent e : records) {
                bytes += codec.encode(e).length;
            }
            long cpuNs = mx.getCurrentThreadCpuTime() - cpu;
            System.out.printf("encode %s round %d: %d events, %.0f events per CPU-second (%d bytes)%n",
                    r < rounds ? "warm-up" : "measured", r, records.length, records.length * 1e9 / cpuNs, bytes);
        }
        byte[][] encoded = java.util.Arrays.stream(records).map(codec::encode).toArray(byte[][]::new);
        for (int r = 0; r < rounds * 2; r++) {
            long cpu = mx.getCurrentThreadCpuTime();
            for (byte[] b : encoded) {
                sink[0] += codec.decode(b).getSequence();
            }
            long cpuNs = mx.getCurrentThreadCpuTime() - cpu;
            System.out.printf("decode %s round %d: %d events, %.0f events per CPU-second%n",
                    r < rounds ? "warm-up" : "measured", r, encoded.length, encoded.length * 1e9 / cpuNs);
        }
        System.out.println(sink[0] == 42 ? "" : "done");
    }
}
