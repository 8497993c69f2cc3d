package io.smtreplay.ingest.parse;

import static io.smtreplay.ingest.parse.CollectingSink.onlyEvent;
import static io.smtreplay.ingest.parse.CollectingSink.onlyRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.TraceEvent;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's wake-up and switch events in every text format, from the kernel's print formats
 * ({@code include/trace/events/sched.h}) and libtraceevent's sched plugin: the woken thread is typed,
 * the rest stays payload, and other sched events are still refused.
 */
class SchedEventsTest {

    @Test
    void rawFtraceWakeupSinceLinux43() {
        TraceEvent e = onlyEvent("      vhost-4410    [003] d..2.  2925.640963: sched_wakeup: comm=CPU 0/KVM pid=7289 prio=120 target_cpu=023");
        assertEquals(EventKind.SCHED_WAKEUP, e.kind());
        assertEquals(4410, e.tid());
        assertEquals(7289, e.wokenThread());
        assertEquals(2925_640963_000L, e.timestampNs());
        assertEquals("comm=CPU 0/KVM pid=7289 prio=120 target_cpu=023", e.payload());
    }

    @Test
    void rawFtraceWakeupOf3xKernelsWithSuccess() {
        assertEquals(7289, onlyEvent("  qemu-kvm-1200  [001]  5102.000001: sched_wakeup: comm=qemu-kvm pid=7289 prio=120 success=1 target_cpu=001")
                .wokenThread());
        assertEquals(31, onlyEvent("  bash-30  [001]  5102.000001: sched_wakeup_new: comm=bash pid=31 prio=120 success=1 target_cpu=001")
                .wokenThread());
    }

    @Test
    void wakingAndSwitchInTheKernelsFormat() {
        TraceEvent waking = onlyEvent("  qemu-system-x86-5665  [000] d..1   280.971122: sched_waking: comm=vhost-5665 pid=5670 prio=120 target_cpu=002");
        assertEquals(EventKind.SCHED_WAKING, waking.kind());
        assertEquals(5670, waking.wokenThread());
        TraceEvent sw = onlyEvent("  CPU 1/KVM-5667  [002] d..3   280.971130: sched_switch: prev_comm=CPU 1/KVM prev_pid=5667 prev_prio=120"
                + " prev_state=S ==> next_comm=swapper/2 next_pid=0 next_prio=120");
        assertEquals(EventKind.SCHED_SWITCH, sw.kind());
        assertEquals(5667, sw.tid());
        assertEquals(0, sw.wokenThread());
    }

    @Test
    void traceCmdReportThroughTheSchedPlugin() {
        TraceEvent e = onlyEvent("     vhost-4410  [003] 22018.775584: sched_wakeup:         CPU 0/KVM:7289 [120] CPU:023");
        assertEquals(7289, e.wokenThread());
        assertEquals(7289, onlyEvent("     vhost-4410  [003] 22018.775584: sched_wakeup:         CPU 0/KVM:7289 [120] success=1 CPU:023")
                .wokenThread());
        assertEquals(7289, onlyEvent("     vhost-4410  [003] 22018.775584: sched_waking:         7289 [120] CPU:023").wokenThread());
        TraceEvent sw = onlyEvent("  CPU 0/KVM-7289  [023] 22018.775590: sched_switch:         CPU 0/KVM:7289 [120] D|K ==> a:b:4410 [120]");
        assertEquals(4410, sw.wokenThread());
    }

    @Test
    void perfScriptWithTheSystemName() {
        TraceEvent e = onlyEvent("           vhost-4410  4410 [003]  2925.640963: sched:sched_wakeup: comm=CPU 0/KVM pid=7289 prio=120 target_cpu=023");
        assertEquals(EventKind.SCHED_WAKEUP, e.kind());
        assertEquals(4410, e.tid());
        assertEquals(7289, e.wokenThread());
        assertEquals(5667, onlyEvent("      CPU 1/KVM  5660/5667 [002]   280.971130: sched:sched_switch: CPU 1/KVM:5667 [120] R+ ==> CPU 1/KVM:5667 [120]")
                .wokenThread());
    }

    /**
     * perf names no task for the last switch of an exiting thread (the capture lab's, Debian perf
     * 6.1): pid and tid -1, comm {@code :-1}. The switch ran in prev's context, so prev_pid is its
     * thread; a plugin-printed one without prev_pid is refused.
     */
    @Test
    void perfScriptSwitchOfAnExitingThreadTakesPrevPid() {
        TraceEvent sw = onlyEvent("             :-1    -1 [000]     4.961473:                 sched:sched_switch: prev_comm=CPU 0/KVM"
                + " prev_pid=128 prev_prio=120 prev_state=X ==> next_comm=tinyvmm next_pid=125 next_prio=120");
        assertEquals(EventKind.SCHED_SWITCH, sw.kind());
        assertEquals(128, sw.tid());
        assertEquals(125, sw.wokenThread());
        assertEquals(0, sw.pcpu());
        assertEquals(4_961473_000L, sw.timestampNs());
        assertEquals(RefusalReason.TRUNCATED, onlyRefused("             :-1    -1 [000]     4.961473:                 sched:sched_switch:"
                + " CPU 0/KVM:128 [120] X ==> tinyvmm:125 [120]").reason());
        TraceEvent waking = onlyEvent("             :-1    -1 [000]     4.961473: sched:sched_waking: comm=CPU 0/KVM pid=128 prio=120 target_cpu=000");
        assertEquals(TraceEvent.NO_TID, waking.tid());
        assertEquals(128, waking.wokenThread());
    }

    @Test
    void otherSchedEventsAndBrokenOnesAreRefusedWithAReason() {
        assertEquals(RefusalReason.NOT_KVM_EVENT,
                onlyRefused("  bash-30  [001]  5102.000001: sched_migrate_task: comm=bash pid=31 prio=120 orig_cpu=1 dest_cpu=2").reason());
        assertEquals(RefusalReason.NOT_KVM_EVENT,
                onlyRefused("  bash-30 30 [001]  5102.000001: irq:sched_wakeup: comm=bash pid=31").reason());
        assertEquals(RefusalReason.TRUNCATED,
                onlyRefused("  bash-30  [001]  5102.000001: sched_switch: prev_comm=bash prev_pid=30 prev_prio=120 prev_state=S").reason());
        assertEquals(RefusalReason.TRUNCATED, onlyRefused("  bash-30  [001]  5102.000001: sched_wakeup: comm=bash prio=120").reason());
        assertEquals(RefusalReason.MALFORMED_KVM_EVENT, onlyRefused("  bash-30  [001]  5102.000001: sched_wakeup: bash [120]").reason());
    }

    @Test
    void kvmEventsHaveNoWokenThreadAndTheLineCountHolds() {
        CollectingSink s = CollectingSink.parse("""
                 CPU 0/KVM-7289  [023] 2925.640000: kvm_exit: reason HLT rip 0xffffffff81000000 info 0 0
                     vhost-4410  [003] 2925.640963: sched_wakeup: comm=CPU 0/KVM pid=7289 prio=120 target_cpu=023
                     vhost-4410  [003] 2925.640964: sched_stat_runtime: comm=vhost-4410 pid=4410 runtime=1 [ns] vruntime=2 [ns]
                 CPU 0/KVM-7289  [023] 2925.641000: kvm_entry: vcpu 0
                """);
        assertEquals(3, s.events.size());
        assertNull(s.events.get(0).event().wokenThread());
        assertEquals(s.summary.lines(), s.summary.events() + s.summary.joined() + s.refused.size());
    }
}
