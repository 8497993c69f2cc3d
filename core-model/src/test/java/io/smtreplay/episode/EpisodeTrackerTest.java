package io.smtreplay.episode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpisodeTrackerTest {

    private static final int TID = 4242;

    private static EventScript vmx() {
        return new EventScript(Isa.VMX, TID);
    }

    private static EventScript svm() {
        return new EventScript(Isa.SVM, TID);
    }

    private static void assertSwitches(Episode e, int l2ToL0, int l0ToL2, int l0ToL1, int l1ToL0) {
        assertEquals(List.of(l2ToL0, l0ToL2, l0ToL1, l1ToL0), List.of(e.l2ToL0(), e.l0ToL2(), e.l0ToL1(), e.l1ToL0()),
                "switches L2>L0, L0>L2, L0>L1, L1>L0 of " + e);
    }

    @Test
    void l1ExitRunsFromItsExitToTheNextEntry() {
        var r = vmx().entry(0).exit(1_000, "MSR_WRITE").other(1_200, "kvm_msr").entry(3_000)
                .exit(5_000, "CPUID").entry(5_500).track();
        assertEquals(2, r.episodes.size());
        Episode msr = r.episodes.get(0);
        assertEquals(EpisodeType.L1_EXIT, msr.type());
        assertEquals(2_000, msr.durationNs());
        assertEquals(2_000, msr.timeInL0Ns());
        assertEquals("MSR_WRITE", msr.outerReason().name());
        assertSwitches(msr, 0, 0, 1, 1);
        assertTrue(msr.isComplete());
        assertEquals(500, r.episodes.get(1).durationNs());
        assertEquals(List.of(new GuestInterval(TID, Level.L1, 0, 1_000), new GuestInterval(TID, Level.L1, 3_000, 5_000)),
                r.guest);
        assertEquals(1, r.tracker.counters().otherEvents());
    }

    @Test
    void l2ExitThatL0HandlesReturnsToL2WithoutInject() {
        var r = vmx().entry(0).l2Exit(1_000, "EPT_MISCONFIG").other(1_100, "kvm_mmio").userspaceExit(1_500)
                .entry(4_000).track();
        Episode e = r.only();
        assertEquals(EpisodeType.L2_EXIT_HANDLED_BY_L0, e.type());
        assertEquals(3_000, e.durationNs());
        assertSwitches(e, 1, 1, 0, 0);
        assertEquals(List.of(new GuestInterval(TID, Level.L2, 0, 1_000)), r.guest);
    }

    @Test
    void reflectedExitIncludesL1TrapsAndVmresume() {
        var r = vmx().entry(0).l2Exit(1_000, "CPUID").inject(1_800, "CPUID").entry(2_000)
                .exit(2_500, "VMREAD").entry(3_000)
                .exit(3_500, "VMRESUME").vmenter(3_700).entry(4_000).track();
        Episode e = r.only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertEquals(1_000, e.startNs());
        assertEquals(4_000, e.endNs());
        assertSwitches(e, 1, 1, 2, 2);
        assertEquals(2_000, e.timeInL0Ns());
        assertEquals(1_000, e.timeInL1Ns());
        assertEquals("CPUID", e.outerReason().name());
        assertEquals("CPUID", e.injectedReason().name());
        assertEquals(List.of("VMREAD", "VMRESUME"), e.innerReasons().stream().map(x -> x.name()).toList());
        assertEquals(3, e.trapsIntoL0());
        assertTrue(e.isComplete());
    }

    @Test
    void oldVmxKernelWithoutVmenterTracepointReturnsToL2AfterVmresume() {
        var r = vmx().entry(0).l2Exit(1_000, "CPUID").inject(1_800, "CPUID").entry(2_000)
                .exit(3_500, "VMRESUME").entry(4_000)
                .l2Exit(6_000, "CPUID").entry(6_500).track();
        assertEquals(2, r.episodes.size());
        Episode reflected = r.episodes.get(0);
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, reflected.type());
        assertEquals(3_000, reflected.durationNs());
        assertSwitches(reflected, 1, 1, 1, 1);
        assertEquals(EpisodeType.L2_EXIT_HANDLED_BY_L0, r.episodes.get(1).type());
        assertEquals(new GuestInterval(TID, Level.L2, 4_000, 6_000), r.guest.get(1));
        assertEquals(0, r.tracker.counters().levelMismatches());
    }

    @Test
    void svmReflectedExitEndsWithVmrunAndOldKvmNestedVmrun() {
        var r = svm().entry(0).l2Exit(1_000, "npf").other(1_050, "kvm_page_fault").inject(1_200, "npf")
                .entry(1_300).exit(2_000, "io").userspaceExit(2_100).entry(2_500)
                .exit(3_000, "vmrun").vmrunOld(3_100).other(3_110, "kvm_nested_intercepts").entry(3_400).track();
        Episode e = r.only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertEquals(2_400, e.durationNs());
        assertSwitches(e, 1, 1, 2, 2);
        assertEquals(List.of("io", "vmrun"), e.innerReasons().stream().map(x -> x.name()).toList());
        assertEquals((1_300 - 1_000) + (2_500 - 2_000) + (3_400 - 3_000), e.timeInL0Ns(), "L0 time, userspace io included");
        assertEquals((2_000 - 1_300) + (3_000 - 2_500), e.timeInL1Ns());
    }

    @Test
    void failedNestedVmenterGoesBackToL1InsideTheSameEpisode() {
        var s = vmx().entry(0).l2Exit(1_000, "CPUID").inject(1_100, "CPUID").entry(1_200)
                .exit(1_500, "VMRESUME").other(1_600, "kvm_nested_vmenter_failed").entry(1_700)
                .exit(2_000, "VMRESUME").vmenter(2_100).entry(2_200);
        Episode e = s.track().only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertSwitches(e, 1, 1, 2, 2);
        assertEquals(1_200, e.durationNs());
    }

    @Test
    void hardwareRefusingTheEntryIntoL2IsAnL2ExitReflectedToL1() {
        // vmx->fail: kvm_exit, kvm_nested_vmenter_failed (no kvm_nested_vmexit), inject, entry into L1.
        var r = vmx().entry(0).exit(100, "VMRESUME").vmenter(150).entry(200)
                .exit(300, "INVALID_STATE").other(310, "kvm_nested_vmenter_failed").inject(320, "INVALID_STATE")
                .entry(400).exit(900, "VMRESUME").vmenter(950).entry(1_000).track();
        assertEquals(2, r.episodes.size());
        Episode failed = r.episodes.get(1);
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, failed.type());
        assertTrue(failed.isComplete(), failed::toString);
        assertSwitches(failed, 1, 1, 1, 1);
        assertEquals(0, r.tracker.counters().levelMismatches());
    }

    @Test
    void interruptForL1AfterAnL2ExitL0HandledIsReflected() {
        var r = vmx().entry(0).l2Exit(1_000, "EXTERNAL_INTERRUPT").other(1_100, "kvm_nested_intr_vmexit")
                .inject(1_200, "EXTERNAL_INTERRUPT").entry(1_300).exit(2_000, "VMRESUME").vmenter(2_050)
                .entry(2_100).track();
        Episode e = r.only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertEquals("EXTERNAL_INTERRUPT", e.outerReason().name());
        assertSwitches(e, 1, 1, 1, 1);
    }

    @Test
    void l1LaunchingL2IsAnL1ExitEndingInL2() {
        var r = vmx().entry(0).exit(100, "VMLAUNCH").vmenter(200).entry(300).l2Exit(1_000, "CPUID").entry(1_200).track();
        assertEquals(2, r.episodes.size());
        Episode launch = r.episodes.get(0);
        assertEquals(EpisodeType.L1_EXIT, launch.type());
        assertSwitches(launch, 0, 1, 0, 1);
        assertEquals(new GuestInterval(TID, Level.L2, 300, 1_000), r.guest.get(1));
    }

    @Test
    void idleExitIsMarkedAndItsWaitingIsKeptApart() {
        var r = vmx().entry(0).exit(100, "HLT").other(500, "kvm_vcpu_wakeup").entry(1_000_100).track();
        Episode e = r.only();
        assertTrue(e.idle());
        assertEquals(1_000_000, e.waitNs());
        assertEquals(1_000_000, e.durationNs());
    }

    @Test
    void l1IdlingInsideAReflectedExitIsWaiting() {
        var r = vmx().entry(0).l2Exit(1_000, "HLT").inject(1_100, "HLT").entry(1_200)
                .exit(1_500, "HLT").entry(501_500).exit(502_000, "VMRESUME").vmenter(502_100).entry(502_200).track();
        Episode e = r.only();
        assertTrue(e.idle());
        // L0 only reflected L2's HLT (it did not wait on it); L1 then waits: its own HLT (500 µs) and
        // its stays before and after it (300 + 500 ns: where KVM as L1 halt-polls), not handler work.
        assertEquals(500_000 + 300 + 500, e.waitNs(), "L1's time after L2's HLT was reflected to it");
    }

    @Test
    void l0WaitingOnAnL2HltUntilAnInterruptForL1IsWaiting() {
        // L1 does not intercept HLT: L0 blocks the vCPU, then an interrupt for L1 forces L2 out.
        var r = vmx().entry(0).l2Exit(1_000, "HLT").other(2_000, "kvm_vcpu_wakeup")
                .other(301_000, "kvm_nested_intr_vmexit").inject(301_000, "EXTERNAL_INTERRUPT").entry(301_500)
                .exit(302_000, "VMRESUME").vmenter(302_100).entry(302_200).track();
        Episode e = r.only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertTrue(e.idle());
        assertEquals(300_500, e.waitNs(), "from L2's HLT to the entry into L1");
    }

    @Test
    void twoExitsWithoutAnEntryCloseTheFirstAsMissingEntry() {
        var r = vmx().entry(0).exit(100, "MSR_WRITE").exit(500, "CPUID").entry(600).track();
        assertEquals(2, r.episodes.size());
        assertEquals(IncompleteReason.MISSING_ENTRY, r.episodes.get(0).incomplete());
        assertEquals(100, r.episodes.get(0).endNs());
        assertTrue(r.episodes.get(1).isComplete());
        assertEquals(100, r.episodes.get(1).durationNs());
    }

    @Test
    void lostEntryIntoL1InsideAReflectedExitMarksItButKeepsItWhole() {
        var r = vmx().entry(0).l2Exit(1_000, "CPUID").inject(1_100, "CPUID")
                .exit(2_000, "VMREAD").entry(2_100).exit(2_500, "VMRESUME").vmenter(2_600).entry(2_700).track();
        Episode e = r.only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertEquals(IncompleteReason.MISSING_ENTRY, e.incomplete());
        assertSwitches(e, 1, 1, 2, 2);
        assertEquals(1_700, e.durationNs());
    }

    @Test
    void timeGoingBackwardsClosesTheEpisodeAndResynchronizes() {
        var r = vmx().entry(1_000).exit(2_000, "CPUID").entry(500).exit(600, "CPUID").entry(700).track();
        assertEquals(2, r.episodes.size());
        assertEquals(IncompleteReason.TIME_WENT_BACKWARDS, r.episodes.get(0).incomplete());
        assertEquals(100, r.episodes.get(1).durationNs());
        assertTrue(r.episodes.get(1).isComplete());
    }

    @Test
    void truncatedTraceClosesTheOpenEpisodeAsTraceEnded() {
        var r = vmx().entry(0).l2Exit(1_000, "CPUID").inject(1_100, "CPUID").entry(1_200).exit(1_500, "VMREAD").track();
        Episode e = r.only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertEquals(IncompleteReason.TRACE_ENDED, e.incomplete());
        assertEquals(500, e.durationNs());
        assertEquals(1, r.tracker.counters().episodes().incomplete(IncompleteReason.TRACE_ENDED));
    }

    @Test
    void lostEventsCloseTheOpenEpisode() {
        EpisodeTracker tracker = new EpisodeTracker(TID);
        var sink = new EventScript(Isa.VMX, TID).track();
        vmx().entry(0).l2Exit(1_000, "CPUID").events().forEach(ev -> tracker.accept(ev, sink.log));
        tracker.eventsLost(sink.log);
        vmx().entry(5_000).exit(6_000, "CPUID").entry(6_100).events().forEach(ev -> tracker.accept(ev, sink.log));
        assertEquals(2, sink.episodes.size());
        assertEquals(IncompleteReason.EVENTS_LOST, sink.episodes.get(0).incomplete());
        assertEquals(100, sink.episodes.get(1).durationNs());
        assertTrue(sink.guest.isEmpty() || sink.guest.stream().noneMatch(g -> g.startNs() < 5_000 && g.endNs() > 1_000),
                "no guest time across the gap");
    }

    @Test
    void twoEntriesWithoutAnExitBetweenAreCounted() {
        var r = vmx().entry(0).entry(100).exit(200, "CPUID").entry(300).track();
        assertEquals(IncompleteReason.ENTRY_WITHOUT_EXIT, r.episodes.get(0).incomplete());
        assertTrue(r.episodes.get(1).isComplete());
    }

    @Test
    void traceStartingInsideAReflectedExitGivesOneIncompleteEpisode() {
        var r = vmx().inject(100, "EXTERNAL_INTERRUPT").entry(200).exit(300, "VMRESUME").vmenter(350).entry(400)
                .l2Exit(900, "CPUID").entry(1_000).track();
        assertEquals(2, r.episodes.size());
        Episode first = r.episodes.get(0);
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, first.type());
        assertEquals(IncompleteReason.STARTED_BEFORE_TRACE, first.incomplete());
        assertTrue(r.episodes.get(1).isComplete());
    }

    @Test
    void l2ExitWhileL1WasBelievedRunningClosesAsMissingNestedEntry() {
        var r = vmx().entry(0).l2Exit(1_000, "CPUID").inject(1_100, "CPUID").entry(1_200)
                .l2Exit(2_000, "CPUID").entry(2_100).track();
        assertEquals(IncompleteReason.MISSING_NESTED_ENTRY, r.episodes.get(0).incomplete());
        assertEquals(EpisodeType.L2_EXIT_HANDLED_BY_L0, r.episodes.get(1).type());
        assertTrue(r.episodes.get(1).isComplete());
        assertEquals(1, r.tracker.counters().levelMismatches());
    }

    @Test
    void eventsWithoutTimestampsKeepTheStructure() {
        var r = vmx().entry(0).l2Exit(1_000, "CPUID").inject(1_100, "CPUID").entry(1_200)
                .exit(1_500, "VMRESUME").entry(1_700).untimed().track();
        Episode e = r.only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertEquals(IncompleteReason.NO_TIMESTAMP, e.incomplete());
        assertSwitches(e, 1, 1, 1, 1);
        assertEquals(0, e.durationNs());
        assertFalse(e.hasTime());
        assertTrue(r.guest.isEmpty());
    }

    @Test
    void trackerStateSurvivesSerializationMidEpisode() throws Exception {
        List<TraceEvent> events = vmx().entry(0).l2Exit(1_000, "CPUID").inject(1_100, "CPUID").entry(1_200)
                .exit(1_500, "VMREAD").entry(1_600).exit(1_700, "VMRESUME").vmenter(1_750).entry(1_800)
                .exit(2_000, "HLT").entry(9_000).events();
        var whole = new EventScript(Isa.VMX, TID).track();
        EpisodeTracker uninterrupted = new EpisodeTracker(TID);
        events.forEach(e -> uninterrupted.accept(e, whole.log));
        uninterrupted.finish(whole.log);

        var split = new EventScript(Isa.VMX, TID).track();
        EpisodeTracker first = new EpisodeTracker(TID);
        events.subList(0, 5).forEach(e -> first.accept(e, split.log));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(first);
        }
        EpisodeTracker restored;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            restored = (EpisodeTracker) in.readObject();
        }
        events.subList(5, events.size()).forEach(e -> restored.accept(e, split.log));
        restored.finish(split.log);
        assertEquals(whole.episodes, split.episodes);
        assertEquals(whole.guest, split.guest);
        assertEquals(uninterrupted.counters(), restored.counters());
        assertNull(split.episodes.get(0).incomplete());
    }
}
