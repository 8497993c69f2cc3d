package io.smtreplay.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.EventScript;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Waits ended by the scheduler's wake-up from a thread that enters no guest (L0's backend: QEMU's
 * I/O thread, vhost): they shrink by what the vCPU that rang the backend's doorbell saved since the
 * wait began, and stay fixed (unexplained) when no vCPU woke the backend.
 */
class BackendWakeUpTest {

    /** The same small profile as {@link WallClockTest}'s. */
    private static final CostProfile PROFILE = WallClockTest.PROFILE;
    private static final int WAITER = 1;
    private static final int DOORBELL_VCPU = 2;
    private static final int BACKEND = 9;
    private static final int OTHER_BACKEND = 10;

    private final List<TraceEvent> events = new ArrayList<>();

    private static List<TraceEvent> withVcpu(List<TraceEvent> events, int vcpu) {
        return events.stream().map(e -> e.kind() == EventKind.ENTRY || e.kind() == EventKind.EXIT
                ? e.toBuilder().vcpu(vcpu).build() : e).toList();
    }

    /** vCPU 1 runs 10 reflected cpuids (each saving under svt-hw) from 1 µs to 100 µs; vCPU 0 halts from 0.5 µs to 101 µs. */
    private BackendWakeUpTest twoVcpus() {
        EventScript s = new EventScript(Isa.VMX, DOORBELL_VCPU).entry(0);
        for (int i = 0; i < 10; i++) {
            long t = 1_000 + i * 10_000L;
            s.l2Exit(t, "CPUID").inject(t + 1_000, "CPUID").entry(t + 2_000).exit(t + 6_000, "VMRESUME")
                    .vmenter(t + 6_100).entry(t + 7_000);
        }
        events.addAll(withVcpu(s.events(), 1));
        events.addAll(withVcpu(new EventScript(Isa.VMX, WAITER).entry(0).exit(500, "HLT").entry(101_000).events(), 0));
        return this;
    }

    private BackendWakeUpTest sched(String tracepoint, long ns, int waker, int woken) {
        events.add(TraceEvent.builder(tracepoint).timestampNs(ns).tid(waker).wokenThread(woken)
                .payload("comm=x pid=" + woken + " prio=120 target_cpu=001").build());
        return this;
    }

    private ProjectionAccumulator replay(TraceProjector p) {
        events.sort(Comparator.comparingLong(TraceEvent::timestampNs));
        events.forEach(e -> p.accept("app", "host", e));
        p.finish();
        return p.byApp().get("app");
    }

    private ProjectionAccumulator replay() {
        return replay(new TraceProjector(new Projector(SmtConfiguration.NAMED, PROFILE)));
    }

    /** What the doorbell vCPU saved under svt-hw over the whole trace (all of it after the wait began). */
    private static long doorbellVcpuSaved(ProjectionAccumulator acc) {
        int hw = acc.indexOf("svt-hw");
        return acc.byThread().get(DOORBELL_VCPU).baselineNs() - acc.byThread().get(DOORBELL_VCPU).projectedNs(hw);
    }

    @Test
    void aBackendWokenByAVcpusExitPassesThatVcpusSavingToTheWaitItEnds() {
        TraceProjector p = new TraceProjector(new Projector(SmtConfiguration.NAMED, PROFILE));
        ProjectionAccumulator acc = twoVcpus().sched("sched_waking", 51_500, DOORBELL_VCPU, BACKEND)
                .sched("sched_waking", 100_500, BACKEND, WAITER).replay(p);
        TimeTotals t = acc.total();
        assertEquals(0, t.unexplainedWaitNs());
        long saved = doorbellVcpuSaved(acc);
        assertTrue(saved > 0);
        assertEquals(t.waitNs() - saved, t.projectedWaitNs(acc.indexOf("svt-hw")));
        assertEquals(2, p.vcpuThreads(), "a backend that only appears in scheduler events is no vCPU thread");
    }

    @Test
    void aBackendNoVcpuWokeLeavesTheWaitFixedAndUnexplained() {
        ProjectionAccumulator acc = twoVcpus().sched("sched_waking", 100_500, BACKEND, WAITER).replay();
        TimeTotals t = acc.total();
        assertEquals(t.waitNs(), t.unexplainedWaitNs());
        assertEquals(t.waitNs(), t.projectedWaitNs(acc.indexOf("svt-hw")));
    }

    @Test
    void theChainIsFollowedThroughABackendWokenByAnother() {
        ProjectionAccumulator acc = twoVcpus().sched("sched_waking", 51_500, DOORBELL_VCPU, BACKEND)
                .sched("sched_waking", 90_000, BACKEND, OTHER_BACKEND)
                .sched("sched_waking", 100_500, OTHER_BACKEND, WAITER).replay();
        TimeTotals t = acc.total();
        assertEquals(0, t.unexplainedWaitNs());
        assertEquals(t.waitNs() - doorbellVcpuSaved(acc), t.projectedWaitNs(acc.indexOf("svt-hw")));
    }

    @Test
    void aBackendsInterruptCarriesItsDoorbellToo() {
        twoVcpus().sched("sched_waking", 51_500, DOORBELL_VCPU, BACKEND);
        events.add(TraceEvent.builder("kvm_msi_set_irq").timestampNs(100_500).tid(BACKEND).isa(Isa.VMX)
                .payload("dst 0 vec 35 (Fixed|physical|edge)").build());
        ProjectionAccumulator acc = replay();
        TimeTotals t = acc.total();
        assertEquals(0, t.unexplainedWaitNs());
        assertEquals(t.waitNs() - doorbellVcpuSaved(acc), t.projectedWaitNs(acc.indexOf("svt-hw")));
    }

    @Test
    void theWaitersOwnDoorbellExplainsTheWaitWithoutShrinkingIt() {
        events.addAll(withVcpu(new EventScript(Isa.VMX, WAITER).entry(0).exit(200, "IO_INSTRUCTION").entry(400)
                .exit(500, "HLT").entry(101_000).events(), 0));
        sched("sched_waking", 300, WAITER, BACKEND).sched("sched_waking", 100_500, BACKEND, WAITER);
        ProjectionAccumulator acc = replay();
        TimeTotals t = acc.total();
        assertEquals(0, t.unexplainedWaitNs(), "the cause is visible: the waiter's own I/O");
        assertEquals(t.waitNs(), t.projectedWaitNs(acc.indexOf("svt-hw")), "it saved nothing while it waited");
    }

    /**
     * The capture lab's kvm-on-kvm: one vCPU's timer expires on the CPU where the other vCPU's thread
     * runs its guest, and the wake-up is traced in that thread's context before its {@code kvm_exit}.
     */
    @Test
    void aWakeUpTracedOnAVcpuThreadInItsGuestIsAnInterruptsNotACause() {
        // the doorbell vCPU is in its guest from 98 µs on (its last entry)
        ProjectionAccumulator acc = twoVcpus().sched("sched_waking", 100_500, DOORBELL_VCPU, WAITER).replay();
        assertEquals(acc.total().waitNs(), acc.total().unexplainedWaitNs());
        BackendWakeUpTest inExit = new BackendWakeUpTest();
        ProjectionAccumulator fromItsExit = inExit.twoVcpus().sched("sched_waking", 51_500, DOORBELL_VCPU, WAITER).replay();
        assertEquals(0, fromItsExit.total().unexplainedWaitNs(), "woken from the vCPU's exit handling: its cause");
    }

    @Test
    void whereWakingIsTracedAWakeupFromAnotherContextIsNotACause() {
        // sched_wakeup traced on the woken task's CPU names whatever ran there: with sched_waking present it is not read
        ProjectionAccumulator acc = twoVcpus().sched("sched_waking", 51_400, BACKEND, WAITER)
                .sched("sched_wakeup", 51_500, DOORBELL_VCPU, WAITER).replay();
        assertEquals(acc.total().waitNs(), acc.total().unexplainedWaitNs());
        BackendWakeUpTest alone = new BackendWakeUpTest();
        ProjectionAccumulator wakeupOnly = alone.twoVcpus().sched("sched_wakeup", 51_500, DOORBELL_VCPU, WAITER).replay();
        assertEquals(0, wakeupOnly.total().unexplainedWaitNs(), "without sched_waking, sched_wakeup names the waker");
    }
}
