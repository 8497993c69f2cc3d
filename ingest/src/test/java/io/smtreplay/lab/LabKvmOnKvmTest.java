package io.smtreplay.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TimeTotals;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real Linux KVM as L1 ({@code capture-lab} workload {@code kvm-on-kvm}): the emulated host (L0)
 * runs Debian's kernel as a two-vCPU L1 hypervisor, whose KVM runs tinyvmm's doorbell guest as L2.
 * The tracker must rebuild every reflected round trip of L0's trace, and the wall-clock critical
 * path must find L1's cross-vCPU wake-ups. Structure only: the durations are an emulator's.
 */
class LabKvmOnKvmTest {

    static final String WORKLOAD = "kvm-on-kvm";
    static final String FIXTURE = "svm-k6.1-kvm-on-kvm-n10-v2";

    /**
     * KVM as L1 (svm_vcpu_run) executes VMSAVE, VMLOAD, STGI, CLGI, VMLOAD and VMRUN around every
     * entry into L2. L0 intercepts all of them when the CPU it offers L1 has neither virtual
     * VMLOAD/VMSAVE nor vGIF (QEMU's SVM has neither), so each reflected L2 exit costs at least
     * these six L1 traps; KVM's MSR read of DEBUGCTL and L1's own interrupts add more (7–16 on
     * the fixture, median 9). L0's paging of L1's own memory (npf exits of L1) is left out of the
     * count: the trace starts right after L1's boot, so the first round trips fault in L1's KVM
     * code and data (153 traps, most of them npf, in the fixture's first one).
     */
    private static final Map<String, Long> L1_TRAPS_PER_ROUND_TRIP =
            Map.of("vmrun", 0x80L, "vmload", 0x82L, "vmsave", 0x83L, "stgi", 0x84L, "clgi", 0x85L);
    private static final long SVM_EXIT_IOIO = 0x7b;
    private static final long SVM_EXIT_MSR = 0x7c;
    private static final int MIN_L1_TRAPS = 6;
    /** A round trip with several L1 interrupts still stays below this. */
    private static final int MAX_L1_TRAPS = 40;
    private static final long SVM_EXIT_NPF = 0x400;
    private static final int MEDIAN_L1_TRAPS_LOW = 7;
    private static final int MEDIAN_L1_TRAPS_HIGH = 12;

    private static final Pattern APIC_ID = Pattern.compile("^apicid ([0-9a-f]+) ");

    static List<Arguments> texts() {
        return LabCapture.texts((workload, format) -> workload.equals(WORKLOAD));
    }

    @Test
    void theFixtureIsCommitted() {
        assertTrue(Files.isRegularFile(LabCapture.fixturesDir().resolve(FIXTURE).resolve("manifest.json")),
                "capture-lab/fixtures/" + FIXTURE + "/manifest.json (make it with capture-lab/capture --fixture)");
        assertFalse(texts().isEmpty(), "no " + WORKLOAD + " text in the lab captures");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("texts")
    void everyReflectedRoundTripIsRebuiltWithKvmAsL1Traps(LabCapture capture, String workload, TraceFormat format) {
        List<TraceEvent> events = LabTraces.parse(capture, workload, format).withoutRepeats();
        TrackedEpisodes tracked = TrackedEpisodes.of(events);
        tracked.assertNothingUnexplained();

        // as many reflected episodes as L0 reflected exits (kvm_nested_vmexit_inject, counted apart)
        long injects = events.stream().filter(e -> e.kind() == EventKind.NESTED_VMEXIT_INJECT).count();
        List<Episode> reflected = tracked.episodes.stream()
                .filter(e -> e.type() == EpisodeType.L2_EXIT_REFLECTED).toList();
        assertEquals(injects, reflected.size(), "reflected episodes");
        // the doorbells and the x2APIC accesses of L2, from the workload's parameters
        assertEquals(capture.expected(workload, "reflected_l2_io_exits"), countReflected(reflected, SVM_EXIT_IOIO), "reflected io");
        assertEquals(capture.expected(workload, "reflected_l2_msr_exits"), countReflected(reflected, SVM_EXIT_MSR), "reflected msr");

        List<Episode> complete = reflected.stream().filter(Episode::isComplete).toList();
        int[] l1Traps = complete.stream().mapToInt(LabKvmOnKvmTest::l1TrapsButPaging).sorted().toArray();
        assertTrue(l1Traps.length > 0, "complete reflected episodes");
        int median = l1Traps[l1Traps.length / 2];
        assertTrue(l1Traps[0] >= MIN_L1_TRAPS && l1Traps[l1Traps.length - 1] <= MAX_L1_TRAPS
                        && median >= MEDIAN_L1_TRAPS_LOW && median <= MEDIAN_L1_TRAPS_HIGH,
                "L1 traps per reflected exit: min " + l1Traps[0] + ", median " + median + ", max "
                        + l1Traps[l1Traps.length - 1]);
        for (Episode e : complete) {
            List<Long> inner = e.innerReasons().stream().map(ExitReason::code).toList();
            L1_TRAPS_PER_ROUND_TRIP.forEach((trap, code) ->
                    assertTrue(inner.contains(code), "no " + trap + " among L1's traps " + e.innerReasons()));
            assertEquals(1, e.nestedL1ToL0(), "L1's VMRUN back into L2, once per round trip: " + inner);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("texts")
    void l1VcpusWakeEachOtherAndTheCriticalPathSeesIt(LabCapture capture, String workload, TraceFormat format) {
        List<TraceEvent> events = LabTraces.parse(capture, workload, format).withoutRepeats();
        Map<Integer, Integer> vcpuOfThread = new HashMap<>();
        for (TraceEvent e : events) {
            if (e.kind() == EventKind.ENTRY && e.vcpu() >= 0) {
                vcpuOfThread.putIfAbsent(e.tid(), e.vcpu());
            }
        }
        assertEquals(2, vcpuOfThread.size(), "L1's two vCPU threads " + vcpuOfThread);
        // an interrupt accepted by one L1 vCPU, traced on the other's thread: an IPI of L1
        long crossVcpu = events.stream().filter(e -> e.tracepoint().equals("kvm_apic_accept_irq")).filter(e -> {
            Matcher m = APIC_ID.matcher(e.payload());
            Integer sender = vcpuOfThread.get(e.tid());
            return m.find() && sender != null && sender != Integer.parseInt(m.group(1), 16)
                    && vcpuOfThread.containsValue(Integer.parseInt(m.group(1), 16));
        }).count();
        assertTrue(crossVcpu > 0, "cross-vCPU kvm_apic_accept_irq");
        assertTrue(events.stream().anyMatch(e -> e.tracepoint().equals("kvm_apic_ipi")), "kvm_apic_ipi");
        assertTrue(events.stream().anyMatch(e -> e.tracepoint().equals("kvm_vcpu_wakeup")), "kvm_vcpu_wakeup");

        TimeTotals total = project(capture, workload, events);
        assertTrue(total.waitNs() > 0, "L1's vCPUs wait in hlt");
        assertTrue(total.explainedWaitNs() > 0 && total.explainedWaitNs() <= total.waitNs(),
                "waits explained by a wake-up from the other vCPU: " + total.explainedWaitNs() + " of " + total.waitNs() + " ns");
    }

    /**
     * The scheduler's side of the same wake-ups: L0 records {@code sched_waking} of L1's vCPU threads
     * (filtered to the VM's threads), one L1 vCPU's thread waking the other's when L1 sends an IPI.
     * Those wake-ups alone name causes of waits, and with the APIC events no wait loses its cause.
     * They add little here: no L0 backend wakes a vCPU (L1's doorbell thread is inside L1, its MSI
     * an IPI of L1), and a vCPU that catches an IPI while halt-polling is never woken (capture-lab
     * README has the shares). The waits left are L1's timers, woken in L0's hard interrupts.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("texts")
    void theSchedulersWakeUpsOfL1VcpusNameTheSameCauses(LabCapture capture, String workload, TraceFormat format) {
        List<TraceEvent> events = LabTraces.parse(capture, workload, format).withoutRepeats();
        Set<Integer> vcpuThreads = events.stream().filter(e -> e.kind() == EventKind.ENTRY).map(TraceEvent::tid).collect(Collectors.toSet());
        long crossVcpuWakings = events.stream().filter(e -> e.kind() == EventKind.SCHED_WAKING)
                .filter(e -> vcpuThreads.contains(e.tid()) && vcpuThreads.contains(e.wokenThread()) && e.tid() != e.wokenThread())
                .count();
        assertTrue(crossVcpuWakings > 0, "sched_waking of one L1 vCPU thread by the other (capture-lab records sched events)");

        TimeTotals all = project(capture, workload, events);
        TimeTotals schedOnly = project(capture, workload, events.stream().filter(e -> !APIC_CAUSES.contains(e.tracepoint())).toList());
        TimeTotals apicOnly = project(capture, workload, events.stream().filter(e -> !e.kind().isScheduler()).toList());
        assertTrue(schedOnly.explainedWaitNs() > 0, "waits explained by sched_waking alone");
        assertTrue(all.explainedWaitNs() >= Math.max(schedOnly.explainedWaitNs(), apicOnly.explainedWaitNs()),
                "explained waits: all " + all.explainedWaitNs() + " ns, sched_waking alone " + schedOnly.explainedWaitNs()
                        + " ns, APIC events alone " + apicOnly.explainedWaitNs() + " ns");
    }

    /** The events that name a wait's cause without the scheduler (see {@link TraceProjector}). */
    private static final Set<String> APIC_CAUSES = Set.of("kvm_apic_accept_irq", "kvm_apic_ipi", "kvm_msi_set_irq");

    private static TimeTotals project(LabCapture capture, String workload, List<TraceEvent> events) {
        TraceProjector projector = new TraceProjector(
                new Projector(SmtConfiguration.NAMED, CostProfiles.load("svm-lkml2020")));
        events.forEach(e -> projector.accept(workload, capture.name(), e));
        projector.finish();
        return projector.byApp().get(workload).total();
    }

    /** L1's traps in a reflected episode but the npf exits of L0 paging in L1's own memory. */
    private static int l1TrapsButPaging(Episode e) {
        return e.l1ToL0() - (int) e.innerReasons().stream().filter(r -> r.code() == SVM_EXIT_NPF).count();
    }

    private static long countReflected(List<Episode> reflected, long svmCode) {
        return reflected.stream().filter(e -> e.injectedReason() != null && e.injectedReason().code() == svmCode).count();
    }
}
