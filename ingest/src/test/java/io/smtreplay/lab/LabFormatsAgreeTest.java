package io.smtreplay.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three tools saw one run: trace-cmd extracted the very ftrace buffer that was read as text, and
 * perf recorded the same tracepoint hits. So per thread, each format must give the same events with
 * the same decoded fields, wherever both formats print a field.
 */
class LabFormatsAgreeTest {

    /** perf's repeated records (see {@link LabTraces.Parsed#withoutRepeats()}) stay rare. */
    private static final double REPEATS_LIMIT = 0.01;

    static List<Arguments> otherFormats() {
        return LabCapture.texts((workload, format) -> format != TraceFormat.FTRACE);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("otherFormats")
    void sameEventsAsTheFtraceText(LabCapture capture, String workload, TraceFormat format) {
        Map<Integer, List<TraceEvent>> reference = LabTraces.byThread(LabTraces.parse(capture, workload, TraceFormat.FTRACE).events());
        List<TraceEvent> read = LabTraces.parse(capture, workload, format).events();
        List<TraceEvent> distinct = LabTraces.parse(capture, workload, format).withoutRepeats();
        if (format == TraceFormat.TRACE_CMD) {
            assertEquals(read.size(), distinct.size(), "trace-cmd repeats no record");
        } else {
            assertTrue(read.size() - distinct.size() <= REPEATS_LIMIT * read.size(), (read.size() - distinct.size()) + " repeated perf records");
        }
        Map<Integer, List<TraceEvent>> other = LabTraces.byThread(distinct);
        assertEquals(reference.keySet(), other.keySet(), "threads");
        for (var thread : reference.entrySet()) {
            List<TraceEvent> expected = thread.getValue();
            List<TraceEvent> actual = other.get(thread.getKey());
            assertEquals(expected.size(), actual.size(), "events of thread " + thread.getKey());
            for (int i = 0; i < expected.size(); i++) {
                assertSameEvent(expected.get(i), actual.get(i), format);
            }
        }
    }

    private static void assertSameEvent(TraceEvent ftrace, TraceEvent other, TraceFormat format) {
        String where = "\n ftrace: " + ftrace + "\n " + format.cliName() + ": " + other;
        assertEquals(ftrace.tracepoint(), other.tracepoint(), where);
        assertEquals(ftrace.kind(), other.kind(), where);
        assertEquals(ftrace.pcpu(), other.pcpu(), where);
        assertEquals(ftrace.reason() == null ? null : ftrace.reason().code(),
                other.reason() == null ? null : other.reason().code(), where);
        assertEqualWhereBothPrint(ftrace.guestRip(), other.guestRip(), where);
        assertEqualWhereBothPrint(ftrace.info1(), other.info1(), where);
        assertEqualWhereBothPrint(ftrace.info2(), other.info2(), where);
        assertEqualWhereBothPrint(ftrace.intrInfo(), other.intrInfo(), where);
        assertEqualWhereBothPrint(ftrace.errorCode(), other.errorCode(), where);
        assertEqualWhereBothPrint(ftrace.nestedEntry(), other.nestedEntry(), where);
        assertEquals(ftrace.wokenThread(), other.wokenThread(), where);
        // trace-cmd read the very ring buffer the text came from; perf has its own clock
        // (local_clock), which on the emulated host's unstable TSC drifts from ftrace's by ms
        if (format == TraceFormat.TRACE_CMD) {
            assertEquals(ftrace.timestampNs(), other.timestampNs(), "same ring buffer, same time" + where);
        }
    }

    private static void assertEqualWhereBothPrint(Object a, Object b, String where) {
        if (a != null && b != null) {
            assertTrue(Objects.equals(a, b), a + " != " + b + where);
        }
    }
}
