package io.smtreplay.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
        // the linux workload's timer MSIs come in bursts within one microsecond: identical records in
        // ftrace too, so each side is compared without its repeats
        LabTraces.Parsed ftrace = LabTraces.parse(capture, workload, TraceFormat.FTRACE);
        List<TraceEvent> ftraceDistinct = ftrace.withoutRepeats();
        int ftraceRepeats = ftrace.events().size() - ftraceDistinct.size();
        Map<Integer, List<TraceEvent>> reference = LabTraces.byThread(ftraceDistinct);
        List<TraceEvent> read = LabTraces.parse(capture, workload, format).events();
        List<TraceEvent> distinct = LabTraces.parse(capture, workload, format).withoutRepeats();
        int repeats = read.size() - distinct.size();
        if (format == TraceFormat.TRACE_CMD) {
            assertEquals(ftraceRepeats, repeats, "trace-cmd repeats the records ftrace repeats, and no other");
        } else {
            assertTrue(repeats - ftraceRepeats <= REPEATS_LIMIT * read.size(), repeats + " repeated perf records, " + ftraceRepeats + " in ftrace");
        }
        Map<Integer, List<TraceEvent>> other = LabTraces.byThread(distinct);
        assertEquals(reference.keySet(), other.keySet(), "threads");
        for (var thread : reference.entrySet()) {
            List<TraceEvent> expected = thread.getValue();
            List<TraceEvent> actual = other.get(thread.getKey());
            if (format == TraceFormat.TRACE_CMD) {
                assertSameSequence(expected, actual, format, thread.getKey());
            } else {
                assertSameSequence(notScheduler(expected), notScheduler(actual), format, thread.getKey());
                assertPerfHasTheSchedulerEvents(expected, actual, thread.getKey());
            }
        }
    }

    private static void assertSameSequence(List<TraceEvent> expected, List<TraceEvent> actual, TraceFormat format, int thread) {
        assertEquals(expected.size(), actual.size(), "events of thread " + thread);
        for (int i = 0; i < expected.size(); i++) {
            assertSameEvent(expected.get(i), actual.get(i), format);
        }
    }

    private static List<TraceEvent> notScheduler(List<TraceEvent> events) {
        return events.stream().filter(e -> !e.kind().isScheduler()).toList();
    }

    /**
     * perf's scheduler events of a thread are ftrace's, but for two effects of host interrupts
     * taken on a vCPU thread while it is in its guest (SVM handles them before its kvm_exit):
     * perf records the host only (exclude_guest) and leaves out some of them, those in KVM's window
     * that attributes samples to the guest; and perf stamps a record when it is written, ftrace when
     * it is reserved, so an interrupt during kvm_exit's own recording comes before it in perf and
     * after it in ftrace. So: the same records as a multiset, and any perf lacks were traced in a
     * guest (ftrace's order). In the {@code linux} workload those are QEMU's main loop's timers.
     */
    private static void assertPerfHasTheSchedulerEvents(List<TraceEvent> ftrace, List<TraceEvent> perf, int thread) {
        Map<String, Long> missing = schedulerRecords(ftrace);
        schedulerRecords(perf).forEach((record, n) -> missing.merge(record, -n, Long::sum));
        Map<String, Long> inGuest = schedulerRecords(inGuestInterrupts(ftrace));
        missing.forEach((record, n) -> assertTrue(n >= 0 && n <= inGuest.getOrDefault(record, 0L),
                "thread " + thread + ": perf has " + (-n) + " more of " + record + " than ftrace, " + inGuest.getOrDefault(record, 0L)
                        + " of them traced in the guest's interrupts"));
    }

    private static Map<String, Long> schedulerRecords(List<TraceEvent> events) {
        Map<String, Long> counts = new HashMap<>();
        events.stream().filter(e -> e.kind().isScheduler())
                .forEach(e -> counts.merge(e.tracepoint() + " [" + e.pcpu() + "] " + e.wokenThread() + " " + e.payload(), 1L, Long::sum));
        return counts;
    }

    /** The scheduler events traced on a vCPU thread between its kvm_entry and its kvm_exit: a host interrupt's. */
    private static List<TraceEvent> inGuestInterrupts(List<TraceEvent> events) {
        Set<Integer> inGuest = new HashSet<>();
        List<TraceEvent> found = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.kind() == EventKind.ENTRY) {
                inGuest.add(e.tid());
            } else if (e.kind() == EventKind.EXIT) {
                inGuest.remove(e.tid());
            } else if (e.kind().isScheduler() && inGuest.contains(e.tid())) {
                found.add(e);
            }
        }
        return found;
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
