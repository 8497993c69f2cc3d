package io.smtreplay.lab;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A lab text read by smtreplay's own reader, once per test run (several tests look at each). */
final class LabTraces {

    record Parsed(ReadSummary summary, List<TraceEvent> events, List<RefusedLine> refused) {

        /**
         * The events without exact repeats: a record identical in every field, timestamp included,
         * to the one before it of the same thread. {@code perf record} on the emulated host writes
         * a few records twice (4 of 7090 seen under load); ftrace and trace-cmd never do.
         */
        List<TraceEvent> withoutRepeats() {
            Map<Integer, TraceEvent> lastOfThread = new HashMap<>();
            List<TraceEvent> kept = new ArrayList<>(events.size());
            for (TraceEvent e : events) {
                if (!e.equals(lastOfThread.put(e.tid(), e))) {
                    kept.add(e);
                }
            }
            return kept;
        }
    }

    private record Key(Path dir, String workload, TraceFormat format) {
    }

    private static final Map<Key, Parsed> READ = new ConcurrentHashMap<>();

    private LabTraces() {
    }

    static Parsed parse(LabCapture capture, String workload, TraceFormat format) {
        return READ.computeIfAbsent(new Key(capture.dir(), workload, format), k -> read(capture.file(workload, format)));
    }

    private static Parsed read(Path file) {
        List<TraceEvent> events = new ArrayList<>();
        List<RefusedLine> refused = new ArrayList<>();
        try {
            ReadSummary summary = TraceFileReader.read(file.toString(), new TraceRecordSink() {
                @Override
                public void onEvent(ParsedEvent event) {
                    events.add(event.event());
                }

                @Override
                public void onRefused(RefusedLine line) {
                    refused.add(line);
                }
            });
            return new Parsed(summary, List.copyOf(events), List.copyOf(refused));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Events per thread (a vCPU thread, or the VMM's main thread), each in file order. */
    static Map<Integer, List<TraceEvent>> byThread(List<TraceEvent> events) {
        Map<Integer, List<TraceEvent>> threads = new LinkedHashMap<>();
        for (TraceEvent e : events) {
            threads.computeIfAbsent(e.tid(), t -> new ArrayList<>()).add(e);
        }
        return threads;
    }
}
