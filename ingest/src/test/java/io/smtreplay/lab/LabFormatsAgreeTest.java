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

    /**
     * perf stamps with local_clock(), ftrace with trace_clock_local(): on the emulated host, whose TSC
     * is unstable, the two differ by an offset (≈ 133 ms seen under -icount) that stays constant,
     * and perf's probe runs after ftrace's on the same hit, later by up to ≈ 4 ms seen when an
     * interrupt comes between them. So the lag may be any offset, but must barely vary.
     */
    private static final long PERF_LAG_SPREAD_LIMIT_NS = 20_000_000;

    static List<Arguments> otherFormats() {
        return LabCapture.texts((workload, format) -> format != TraceFormat.FTRACE);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("otherFormats")
    void sameEventsAsTheFtraceText(LabCapture capture, String workload, TraceFormat format) {
        Map<Integer, List<TraceEvent>> reference = LabTraces.byThread(LabTraces.parse(capture, workload, TraceFormat.FTRACE).events());
        Map<Integer, List<TraceEvent>> other = LabTraces.byThread(LabTraces.parse(capture, workload, format).events());
        assertEquals(reference.keySet(), other.keySet(), "threads");
        long minLag = Long.MAX_VALUE;
        long maxLag = Long.MIN_VALUE;
        for (var thread : reference.entrySet()) {
            List<TraceEvent> expected = thread.getValue();
            List<TraceEvent> actual = other.get(thread.getKey());
            assertEquals(expected.size(), actual.size(), "events of thread " + thread.getKey());
            for (int i = 0; i < expected.size(); i++) {
                assertSameEvent(expected.get(i), actual.get(i), format);
                long lag = actual.get(i).timestampNs() - expected.get(i).timestampNs();
                minLag = Math.min(minLag, lag);
                maxLag = Math.max(maxLag, lag);
            }
        }
        if (format == TraceFormat.TRACE_CMD) {
            assertEquals(List.of(0L, 0L), List.of(minLag, maxLag), "trace-cmd read the same ring buffer: same times");
        } else {
            assertTrue(maxLag - minLag < PERF_LAG_SPREAD_LIMIT_NS,
                    "perf's lag behind ftrace varies from " + minLag + " to " + maxLag + " ns");
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
    }

    private static void assertEqualWhereBothPrint(Object a, Object b, String where) {
        if (a != null && b != null) {
            assertTrue(Objects.equals(a, b), a + " != " + b + where);
        }
    }
}
