package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ring-buffer overrun marks are refused like other non-events, and reported with their CPU. */
class EventsLostTest {

    @Test
    void overrunMarksOfFtraceAndTraceCmdAreReportedWithCpuAndCount() {
        CollectingSink sink = CollectingSink.parse(String.join("\n",
                "       CPU 0/KVM-4242    [002] d....   100.000001: kvm_exit: vcpu 0 reason CPUID rip 0x1000 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000",
                "CPU:2 [LOST 1234 EVENTS]",
                "CPU:13 [77 EVENTS DROPPED]",
                "       CPU 0/KVM-4242    [002] d....   100.000009: kvm_entry: vcpu 0, rip 0x1002",
                "CPU:2 [LOST a lot of EVENTS]"));

        assertEquals(2, sink.events.size());
        assertEquals(List.of(new EventsLost("test", 2, 2, 1234), new EventsLost("test", 3, 13, 77)), sink.lost);
        assertEquals(2L, sink.summary.refusedByReason().get(RefusalReason.EVENTS_LOST));
        assertEquals(RefusalReason.EVENTS_LOST, sink.refused.get(0).reason());
        // a line that only looks like a mark is refused for what it is, and reports nothing
        assertEquals(3, sink.refused.size());
        assertEquals(5, sink.summary.lines());
    }
}
