package io.smtreplay.lab;

import io.smtreplay.ingest.parse.ParsedEvent;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.ingest.parse.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A lab text read by smtreplay's own reader, once per test run (several tests look at each). */
final class LabTraces {

    record Parsed(ReadSummary summary, List<TraceEvent> events, List<RefusedLine> refused) {
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
