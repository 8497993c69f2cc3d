package io.smtreplay.episode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.Isa;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Switch roles, old SVM kernels' L0-initiated exits, and the L2 vCPU an episode belongs to. */
class NestedSequencesTest {

    private static final int TID = 77;

    @Test
    void theReflectionAndL1sResumeOfL2AreNestedTransitionsAndL1sOwnTrapIsPlain() {
        Episode e = new EventScript(Isa.VMX, TID).entry(0).l2Exit(1_000, "CPUID").inject(2_000, "CPUID").entry(2_500)
                .exit(3_000, "VMREAD").entry(3_400).exit(4_000, "VMRESUME").vmenter(4_100).entry(4_500).track().only();
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertEquals(List.of(1, 1), List.of(e.nestedL0ToL1(), e.nestedL1ToL0()));
        assertEquals(List.of(1, 1), List.of(e.switches(WorldSwitch.L0_TO_L1, SwitchRole.PLAIN),
                e.switches(WorldSwitch.L1_TO_L0, SwitchRole.PLAIN)), "the VMREAD trap and its resume");
        assertEquals(0, e.switches(WorldSwitch.L2_TO_L0, SwitchRole.NESTED_TRANSITION));
    }

    @Test
    void anL1ExitThatLaunchesL2EndsWithANestedTransitionAndAPlainOneDoesNot() {
        var r = new EventScript(Isa.VMX, TID).entry(0).exit(1_000, "VMRESUME").vmenter(1_100).entry(1_200)
                .l2Exit(2_000, "EPT_VIOLATION").entry(2_600).track();
        Episode launch = r.episodes.get(0);
        assertEquals(EpisodeType.L1_EXIT, launch.type());
        assertEquals(1, launch.nestedL1ToL0());
        assertEquals(0, new EventScript(Isa.VMX, TID).entry(0).exit(1_000, "MSR_WRITE").entry(1_500).track().only()
                .nestedL1ToL0());
    }

    /**
     * An SVM kernel before the 5.8-era nSVM rework (here 4.18, kvm_nested_vmrun): an interrupt for L1
     * arrives while L0 handles an L2 exit. nested_svm_intr sets nested.exit_required, presets
     * exit_code = SVM_EXIT_INTR and traces kvm_nested_intr_vmexit; vcpu_enter_guest traces kvm_entry
     * but svm_vcpu_run returns without VMRUN; handle_exit traces kvm_exit with the preset code, then
     * nested_svm_vmexit traces kvm_nested_vmexit_inject — and no kvm_nested_vmexit. L0 never left.
     */
    @Test
    void preSvmReworkL0InitiatedExitIsOneReflectedEpisodeWithoutPhantomSwitches() {
        var r = new EventScript(Isa.SVM, TID)
                .exit(0, "vmrun").vmrunOld(50).entry(100)                      // L1 launches L2
                .l2Exit(1_000, "npf").other(1_100, "kvm_page_fault")           // L2 faults; L0 handles it
                .other(1_200, "kvm_nested_intr_vmexit")                        // an interrupt for L1
                .entry(1_300)                                                  // phantom: no VMRUN
                .exit(1_310, "interrupt")                                      // the code KVM preset
                .inject(1_400, "interrupt")                                    // the #VMEXIT to L1
                .entry(1_500)                                                  // L1 runs its handler
                .exit(2_500, "vmrun").vmrunOld(2_600).entry(2_700)             // and resumes L2
                .track();
        assertEquals(2, r.episodes.size(), () -> r.episodes.toString());
        assertEquals(EpisodeType.L1_EXIT, r.episodes.get(0).type());
        Episode e = r.episodes.get(1);
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertTrue(e.isComplete(), () -> "incomplete: " + e.incomplete());
        assertEquals("npf", e.outerReason().name());
        assertEquals("interrupt", e.injectedReason().name());
        assertEquals(1_000, e.startNs());
        assertEquals(2_700, e.endNs());
        assertEquals(List.of(1, 1, 1, 1), List.of(e.l2ToL0(), e.l0ToL2(), e.l0ToL1(), e.l1ToL0()),
                "the phantom entry and the preset exit are no world switches");
        assertEquals(List.of(1, 1), List.of(e.nestedL0ToL1(), e.nestedL1ToL0()));
        assertEquals(1_000, e.timeInL1Ns(), "L1's handling is inside the episode, not L1 guest time");
        assertEquals(List.of(new GuestInterval(TID, Level.L2, 100, 1_000)), r.guest.subList(0, 1));
        assertEquals(Level.L2, r.guest.get(r.guest.size() - 1).level());
        assertEquals(1, r.guest.size(), "no L1 guest time between the L2 exit and the resume of L2");
        assertEquals(1, r.tracker.counters().phantomEntries());
    }

    @Test
    void newerKernelsReflectTheL0InitiatedExitAtOnceWithoutAPhantom() {
        var r = new EventScript(Isa.SVM, TID).entry(0).vmenter(0).entry(10)
                .l2Exit(1_000, "npf").other(1_200, "kvm_nested_intr_vmexit").inject(1_200, "interrupt")
                .entry(1_500).exit(2_500, "vmrun").vmenter(2_600).entry(2_700).track();
        Episode e = r.episodes.get(r.episodes.size() - 1);
        assertEquals(EpisodeType.L2_EXIT_REFLECTED, e.type());
        assertTrue(e.isComplete());
        assertEquals(0, r.tracker.counters().phantomEntries());
    }

    @Test
    void episodesCarryTheL2VcpuOfTheirExitAnL1Multiplexes() {
        // One L1 vCPU thread runs two L2 vCPUs (vmcs12 at 0xa000 and 0xb000), switching on a reflection.
        var r = new EventScript(Isa.VMX, TID).entry(0).exit(100, "VMRESUME").vmenter(150, 0xa000).entry(200)
                .l2Exit(1_000, "HLT").inject(1_100, "HLT").entry(1_200)
                .exit(2_000, "VMRESUME").vmenter(2_100, 0xb000).entry(2_200)
                .l2Exit(3_000, "CPUID").inject(3_100, "CPUID").entry(3_200)
                .exit(4_000, "VMRESUME").vmenter(4_100, 0xa000).entry(4_200).track();
        List<Episode> l2 = r.episodes.stream().filter(e -> e.type().exitingLevel() == Level.L2).toList();
        assertEquals(List.of(0xa000L, 0xb000L), l2.stream().map(Episode::l2Context).toList());
        assertEquals(Episode.NO_L2_CONTEXT, r.episodes.get(0).l2Context(), "an L1 exit belongs to no L2 vCPU");
    }
}
