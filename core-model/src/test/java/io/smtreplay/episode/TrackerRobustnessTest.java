package io.smtreplay.episode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Arbitrary event soups (lost, repeated and reordered events, missing timestamps) never crash
 * the tracker, and whatever it calls complete is consistent.
 */
class TrackerRobustnessTest {

    private static final String[] TRACEPOINTS = {"kvm_exit", "kvm_entry", "kvm_nested_vmexit",
        "kvm_nested_vmexit_inject", "kvm_nested_vmenter", "kvm_nested_vmrun", "kvm_nested_vmenter_failed",
        "kvm_nested_intr_vmexit", "kvm_userspace_exit", "kvm_page_fault"};
    private static final String[] REASONS = {"CPUID", "VMRESUME", "VMLAUNCH", "HLT", "MSR_WRITE", "VMREAD"};

    @RepeatedTest(40)
    void arbitraryEventSequencesNeverCrashAndCompleteEpisodesBalance(RepetitionInfo info) {
        Random random = new Random(info.getCurrentRepetition());
        List<TraceEvent> events = new ArrayList<>();
        long ts = 0;
        for (int i = 0; i < 2_000; i++) {
            String tp = TRACEPOINTS[random.nextInt(TRACEPOINTS.length)];
            ts += random.nextInt(100) < 3 ? -random.nextInt(500) : random.nextInt(1_000);
            var b = TraceEvent.builder(tp).tid(1)
                    .timestampNs(random.nextInt(100) < 2 ? TraceEvent.NO_TIMESTAMP : ts);
            if (tp.equals("kvm_exit") || tp.equals("kvm_nested_vmexit") || tp.equals("kvm_nested_vmexit_inject")) {
                b.reason(ExitReasons.byName(REASONS[random.nextInt(REASONS.length)], Isa.VMX).orElseThrow());
            }
            events.add(b.build());
        }
        var recorded = new EventScript(Isa.VMX, 1).track();
        EpisodeTracker tracker = new EpisodeTracker(1);
        for (TraceEvent e : events) {
            tracker.accept(e, recorded.log);
            if (random.nextInt(500) == 0) {
                tracker.eventsLost(recorded.log);
            }
        }
        tracker.finish(recorded.log);
        assertEquals(recorded.episodes.size(), tracker.counters().episodes().episodes());
        for (Episode e : recorded.episodes) {
            assertTrue(e.durationNs() >= 0, e::toString);
            if (e.isComplete()) {
                assertEquals(e.l2ToL0() + e.l1ToL0(), e.l0ToL2() + e.l0ToL1(), () -> "traps = resumes in " + e);
                assertEquals(e.durationNs(), e.timeInL0Ns() + e.timeInL1Ns(), () -> "L0 + L1 time = duration in " + e);
                assertTrue(e.waitNs() <= e.timeInL0Ns(), e::toString);
                if (e.type() != EpisodeType.L2_EXIT_REFLECTED) {
                    assertEquals(1, e.trapsIntoL0(), e::toString);
                }
            }
        }
        assertTrue(recorded.episodes.stream().filter(Episode::isComplete).count() > 10,
                "the soup also forms complete episodes, so the checks above are not vacuous");
        for (GuestInterval g : recorded.guest) {
            assertTrue(g.durationNs() >= 0, g::toString);
        }
    }
}
