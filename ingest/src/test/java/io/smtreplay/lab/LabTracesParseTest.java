package io.smtreplay.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event line of every lab text, in each tool's format, is read by smtreplay's parsers. */
class LabTracesParseTest {

    static List<Arguments> everyText() {
        return LabCapture.texts((workload, format) -> true);
    }

    /** What a tool prints around its records; any other refusal would be a record we failed to read. */
    private static final Set<RefusalReason> NOT_RECORDS = EnumSet.of(RefusalReason.BLANK, RefusalReason.FTRACE_HEADER);
    /** The first line of {@code trace-cmd report}. */
    private static final Pattern TRACE_CMD_HEADER = Pattern.compile("cpus=\\d+");

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyText")
    void everyEventLineIsParsedAndNoneRefused(LabCapture capture, String workload, TraceFormat format) {
        LabTraces.Parsed parsed = LabTraces.parse(capture, workload, format);
        List<RefusedLine> records = parsed.refused().stream()
                .filter(r -> !NOT_RECORDS.contains(r.reason()) && !TRACE_CMD_HEADER.matcher(r.text()).matches()).toList();
        assertEquals(List.of(), records.subList(0, Math.min(3, records.size())), records.size() + " records refused");
        assertEquals(capture.eventLines(workload, format), parsed.events().size(), "events parsed");
        Map<String, Long> byTracepoint = parsed.events().stream()
                .collect(Collectors.groupingBy(TraceEvent::tracepoint, TreeMap::new, Collectors.counting()));
        assertEquals(capture.eventLinesByTracepoint(workload, format), byTracepoint);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyText")
    void everyExitHasAKnownSvmReasonAndAThread(LabCapture capture, String workload, TraceFormat format) {
        for (TraceEvent e : LabTraces.parse(capture, workload, format).events()) {
            assertTrue(e.hasThread() && e.hasTimestamp(), "thread and time of " + e);
            if (e.kind() == EventKind.EXIT || e.kind() == EventKind.NESTED_VMEXIT || e.kind() == EventKind.NESTED_VMEXIT_INJECT) {
                assertNotNull(e.reason(), "reason of " + e);
                assertTrue(e.reason().known(), "known reason of " + e);
                assertEquals(Isa.SVM, e.reason().isa(), "ISA of " + e);
            }
        }
    }
}
