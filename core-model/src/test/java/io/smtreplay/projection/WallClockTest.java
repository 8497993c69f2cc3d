package io.smtreplay.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.EventScript;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wall-clock speedup: vCPU timelines with their waits, shortened only by a cause the trace shows. */
class WallClockTest {

    static final CostProfile PROFILE = CostProfile.builder("p").contextSwitch(WorldSwitch.L2_TO_L0, 400)
            .contextSwitch(WorldSwitch.L0_TO_L2, 400).contextSwitch(WorldSwitch.L0_TO_L1, 300)
            .contextSwitch(WorldSwitch.L1_TO_L0, 300).lazyStatePerReflectedExit(1_000).build();
    private static final int WAITER = 1;
    private static final int WAKER = 2;

    private static List<TraceEvent> withVcpu(List<TraceEvent> events, int vcpu) {
        return events.stream().map(e -> e.kind() == EventKind.ENTRY || e.kind() == EventKind.EXIT
                ? e.toBuilder().vcpu(vcpu).build() : e).toList();
    }

    /** The waker runs 10 reflected cpuids (each saving under svt-hw) while the waiter halts. */
    private static List<TraceEvent> wakerWork() {
        EventScript s = new EventScript(Isa.VMX, WAKER).entry(0);
        for (int i = 0; i < 10; i++) {
            long t = 1_000 + i * 10_000L;
            s.l2Exit(t, "CPUID").inject(t + 1_000, "CPUID").entry(t + 2_000).exit(t + 6_000, "VMRESUME")
                    .vmenter(t + 6_100).entry(t + 7_000);
        }
        return new ArrayList<>(withVcpu(s.events(), 1));
    }

    private static ProjectionAccumulator replay(boolean wakeUpTraced) {
        List<TraceEvent> all = wakerWork();
        all.addAll(withVcpu(new EventScript(Isa.VMX, WAITER).entry(0).exit(500, "HLT").entry(101_000).events(), 0));
        if (wakeUpTraced) {
            all.add(TraceEvent.builder("kvm_apic_accept_irq").timestampNs(100_500).tid(WAKER).isa(Isa.VMX)
                    .payload("apicid 0 vec 236 (Fixed|edge)").build());
        }
        all.sort(Comparator.comparingLong(TraceEvent::timestampNs));
        TraceProjector p = new TraceProjector(new Projector(SmtConfiguration.NAMED, PROFILE));
        all.forEach(e -> p.accept("app", "host", e));
        p.finish();
        return p.byApp().get("app");
    }

    @Test
    void aWaitWithNoVisibleCauseIsHeldFixedAndReported() {
        ProjectionAccumulator acc = replay(false);
        TimeTotals t = acc.total();
        int hw = acc.indexOf("svt-hw");
        assertEquals(t.waitNs(), t.unexplainedWaitNs());
        assertEquals(t.waitNs(), t.projectedWaitNs(hw));
        assertTrue(t.unexplainedWaitShare() > 0.3, "the report says how much wall time is held fixed");
        assertTrue(acc.wallClockSpeedup("svt-hw") < acc.cpuTimeSpeedup("svt-hw"));
        assertEquals(1.0, acc.wallClockSpeedup("baseline"), 1e-12);
    }

    @Test
    void aWaitEndedByAnotherVcpusInterruptShrinksByWhatThatVcpuSaved() {
        ProjectionAccumulator held = replay(false);
        ProjectionAccumulator caused = replay(true);
        int hw = caused.indexOf("svt-hw");
        TimeTotals t = caused.total();
        assertEquals(0, t.unexplainedWaitNs());
        long wakerSaved = held.byThread().get(WAKER).baselineNs() - held.byThread().get(WAKER).projectedNs(hw);
        assertTrue(wakerSaved > 0);
        assertEquals(t.waitNs() - wakerSaved, t.projectedWaitNs(hw),
                "the waiter's wait shrinks by the waker's saving since the wait began");
        assertTrue(caused.wallClockSpeedup("svt-hw") > held.wallClockSpeedup("svt-hw"));
        assertEquals(held.cpuTimeSpeedup("svt-hw"), caused.cpuTimeSpeedup("svt-hw"), 1e-12, "CPU time is unchanged");
    }

    /**
     * Two VMs on one host, each with vCPUs 0 and 1: VM A's vCPU 1 sends an IPI to APIC id 0 while
     * VM B's vCPU 0 waits. APIC ids repeat across VMs: it names A's vCPU 0, never B's, whose wait
     * stays held fixed; A's own waiting vCPU 0 is shortened.
     */
    @Test
    void anInterruptNamesAVcpuOfTheSendersVmOnly() {
        int waiterInA = 3;
        int waiterInB = 4;
        List<TraceEvent> all = wakerWork(); // VM A's vCPU 1
        all.addAll(withVcpu(new EventScript(Isa.VMX, waiterInB).entry(0).exit(500, "HLT").entry(101_000).events(), 0));
        all.add(TraceEvent.builder("kvm_apic_accept_irq").timestampNs(100_500).tid(WAKER).isa(Isa.VMX)
                .payload("apicid 0 vec 236 (Fixed|edge)").build());
        List<TraceEvent> inA = withVcpu(new EventScript(Isa.VMX, waiterInA).entry(0).exit(600, "HLT").entry(101_000)
                .events(), 0);
        TraceProjector p = new TraceProjector(new Projector(SmtConfiguration.NAMED, PROFILE));
        all.addAll(inA);
        all.sort(Comparator.comparingLong(TraceEvent::timestampNs));
        all.forEach(e -> p.accept("app", e.tid() == waiterInB ? "vm-b" : "vm-a", "host", e));
        p.finish();
        ProjectionAccumulator acc = p.byApp().get("app");
        int hw = acc.indexOf("svt-hw");
        long waitOfB = acc.byThread().get(waiterInB).waitNs();
        assertEquals(waitOfB, acc.total().unexplainedWaitNs(), "VM B's wait has no cause");
        assertEquals(acc.total().waitNs() - waitOfB, acc.total().explainedWaitNs(),
                "only VM A's wait is explained");
        assertTrue(acc.total().projectedWaitNs(hw) < acc.total().waitNs(), "VM A's wait shrinks");
    }
}
