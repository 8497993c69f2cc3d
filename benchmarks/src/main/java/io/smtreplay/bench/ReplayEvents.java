package io.smtreplay.bench;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.trace.TraceEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The event mix the replay benchmarks run: the capture lab's nested SVM trace
 * ({@value #LAB_TRACE} under ../shared/traces, kernel 6.1: cpuid, io and hlt of L2 reflected to
 * L1, L1's console io through userspace exits and its vmrun + kvm_nested_vmenter, npf and
 * interrupts L0 handles, and the tracepoints the tracker passes over), parsed once with the
 * ingest parser and repeated, shifted in time, up to {@link #EVENTS} events held in memory.
 */
final class ReplayEvents {

    /** Events per benchmark invocation (a compile-time constant for {@code @OperationsPerInvocation}). */
    static final int EVENTS = 1 << 20;
    static final String LAB_TRACE = "lab/svm-nested-tinyvmm-k6.1-n2000.txt.gz";

    private ReplayEvents() {
    }

    /** ../shared/traces from $SMTREPLAY_SHARED, else from the working directory (the repository root). */
    static Path labTrace() {
        String shared = System.getenv("SMTREPLAY_SHARED");
        Path root = shared != null ? Path.of(shared) : Path.of("..", "shared");
        Path trace = root.resolve("traces").resolve(LAB_TRACE);
        if (!Files.isRegularFile(trace)) {
            throw new IllegalStateException("benchmark input " + trace.toAbsolutePath()
                    + " not found: run from the repository root or set SMTREPLAY_SHARED");
        }
        return trace;
    }

    static TraceEvent[] load(int count) {
        List<TraceEvent> once = new ArrayList<>();
        try {
            TraceFileReader.read(labTrace().toString(), new TraceRecordSink() {
                @Override
                public void onEvent(ParsedEvent parsed) {
                    once.add(parsed.event());
                }

                @Override
                public void onRefused(RefusedLine refused) {
                    // the ftrace header: not events
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long first = once.get(0).timestampNs();
        long span = once.get(once.size() - 1).timestampNs() - first + 1_000_000;
        TraceEvent[] events = new TraceEvent[count];
        for (int i = 0; i < count; i++) {
            TraceEvent e = once.get(i % once.size());
            long shift = (long) (i / once.size()) * span;
            events[i] = shift == 0 ? e : e.toBuilder().timestampNs(e.timestampNs() + shift).build();
        }
        return events;
    }
}
