package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.testing.SharedTraces;
import io.smtreplay.trace.Isa;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every real trace: every kvm event line becomes an event, every other line is refused with a
 * reason, no exception. The expectation comes from a rule independent of the parser, over the
 * raw text: a line holds a kvm event exactly when it contains a kvm tracepoint name directly
 * followed by a colon and then a blank or the end of the line ({@code kvm_exit:},
 * {@code kvm:kvm_exit:}, {@code fast_page_fault:}). Counted that way, each event is counted once
 * even when wrapped (the name is on one of its lines only); {@code kvm_stat} rows and
 * {@code perf stat} counts ({@code kvm:kvm_exit  [100.00%]}) and a cut {@code kvm_exit} have no
 * colon and are not counted.
 */
class SharedTracesParseTest {
    private static final Pattern KVM_EVENT_NAME = Pattern.compile(
            "(^|[\\s>])((kvm|kvmmmu):)?(kvm_[a-z0-9_]+|vcpu_match_mmio|fast_page_fault|mark_mmio_spte|handle_mmio_page_fault):(\\s|$)");

    static Stream<Path> traces() {
        return SharedTraces.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void everyKvmEventLineIsAnEventAndEveryOtherLineIsRefused(Path file) throws IOException {
        List<String> lines = SharedTraces.lines(file);
        Set<Long> eventLines = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (KVM_EVENT_NAME.matcher(lines.get(i)).find()) {
                eventLines.add(i + 1L);
            }
        }

        CollectingSink sink = new CollectingSink();
        ReadSummary summary = TraceFileReader.read(file.toString(), sink);

        assertEquals(lines.size(), summary.lines(), "lines read");
        assertEquals(eventLines.size(), summary.events(), "events");
        // each event is announced by the line that names its tracepoint, or by the prefix line just
        // before it when a tool's prefix and the event were wrapped apart
        Set<Long> namedAt = new TreeSet<>();
        for (ParsedEvent e : sink.events) {
            long n = e.lineNumber();
            namedAt.add(eventLines.contains(n) ? n : n + 1);
        }
        assertEquals(eventLines, namedAt, "lines naming a kvm event");
        for (RefusedLine r : sink.refused) {
            assertFalse(KVM_EVENT_NAME.matcher(r.text()).find(), "a kvm event line was refused: " + r);
            assertNotNull(r.reason());
        }
        // nothing lost: every line is in an event or refused, exactly once
        Set<Long> refusedLines = sink.refused.stream().map(RefusedLine::lineNumber).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(sink.refused.size(), refusedLines.size(), "a line refused twice");
        assertEquals(summary.refused(), sink.refused.size());
        long linesInEvents = lines.size() - refusedLines.size();
        assertTrue(linesInEvents >= summary.events());
        for (ParsedEvent e : sink.events) {
            assertFalse(refusedLines.contains(e.lineNumber()), "line both event and refused: " + e.lineNumber());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void exitReasonsCarryTheIsaTheFileNameSays(Path file) throws IOException {
        String name = file.getFileName().toString();
        Isa expected = name.startsWith("nested-svm") || name.startsWith("svm-") ? Isa.SVM
                : name.startsWith("nested-vmx") || name.startsWith("vmx-") ? Isa.VMX : null;
        CollectingSink sink = new CollectingSink();
        TraceFileReader.read(file.toString(), sink);
        List<String> wrong = new ArrayList<>();
        for (ParsedEvent e : sink.events) {
            if (e.event().reason() != null && expected != null && e.event().isa() != expected) {
                wrong.add(e.lineNumber() + ": " + e.event().reason() + " " + e.event().isa());
            }
            if (e.event().reason() != null) {
                assertEquals(e.event().isa(), e.event().reason().isa(), "reason and event on one ISA");
            }
        }
        assertTrue(wrong.isEmpty(), "exits with another ISA than the file's: " + wrong);
    }
}
