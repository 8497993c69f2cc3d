package io.smtreplay.trace;

import java.util.HashMap;
import java.util.Map;

/**
 * What a KVM trace event means to the episode model. Tracepoints the model does not need are
 * {@link #OTHER_KVM}: still parsed, their text kept as raw payload. The scheduler's wake-up and
 * switch events come last (appended: the wire enum keeps its symbols' order); they name the causes
 * of waits ({@link TraceEvent#wokenThread()}) and never move an episode.
 */
public enum EventKind {
    /** {@code kvm_entry}: the vCPU thread enters the guest (VMRESUME/VMLAUNCH/VMRUN by L0). */
    ENTRY("kvm_entry"),
    /** {@code kvm_exit}: the guest trapped to L0. */
    EXIT("kvm_exit"),
    /** {@code kvm_nested_vmexit}: the exit just traced came from L2 (emitted by L0 for L2 exits). */
    NESTED_VMEXIT("kvm_nested_vmexit"),
    /** {@code kvm_nested_vmexit_inject}: L0 reflects the L2 exit into L1. */
    NESTED_VMEXIT_INJECT("kvm_nested_vmexit_inject"),
    /** {@code kvm_nested_vmenter} (new kernels, VMX and SVM) or {@code kvm_nested_vmrun} (old SVM). */
    NESTED_VMENTER("kvm_nested_vmenter", "kvm_nested_vmrun"),
    /** {@code kvm_nested_vmenter_failed}: L1's VMRUN/VMLAUNCH of a bad vmcb12/vmcs12. */
    NESTED_VMENTER_FAILED("kvm_nested_vmenter_failed"),
    /** {@code kvm_nested_intr_vmexit}: an interrupt for L1 forces an L2 exit. */
    NESTED_INTR_VMEXIT("kvm_nested_intr_vmexit"),
    /** {@code kvm_nested_intercepts}: SVM, printed after a nested VMRUN. */
    NESTED_INTERCEPTS("kvm_nested_intercepts"),
    /** {@code kvm_userspace_exit}: the vCPU leaves KVM_RUN for the userspace VMM. */
    USERSPACE_EXIT("kvm_userspace_exit"),
    /** Any other tracepoint of the kvm or kvmmmu systems. */
    OTHER_KVM(),
    /**
     * {@code sched:sched_wakeup} / {@code sched_wakeup_new}: a task was made runnable. Since Linux
     * 4.3 it may be traced on the woken task's CPU (remote wake lists), so its thread is not
     * always the waker.
     */
    SCHED_WAKEUP("sched_wakeup", "sched_wakeup_new"),
    /** {@code sched:sched_waking}: a wake-up begins, always traced in the waker's context (4.3+). */
    SCHED_WAKING("sched_waking"),
    /** {@code sched:sched_switch}: the CPU switches from the traced thread to {@code next_pid}. */
    SCHED_SWITCH("sched_switch");

    private static final Map<String, EventKind> BY_TRACEPOINT = new HashMap<>();

    static {
        for (EventKind kind : values()) {
            for (String name : kind.tracepoints) {
                BY_TRACEPOINT.put(name, kind);
            }
        }
    }

    private final String[] tracepoints;

    EventKind(String... tracepoints) {
        this.tracepoints = tracepoints;
    }

    /** Whether the event comes from the scheduler ({@code sched} system), not from KVM. */
    public boolean isScheduler() {
        return this == SCHED_WAKEUP || this == SCHED_WAKING || this == SCHED_SWITCH;
    }

    /** The kind of a kvm/kvmmmu tracepoint by its name (without the {@code kvm:} system prefix), or of a sched tracepoint above. */
    public static EventKind ofTracepoint(String name) {
        return BY_TRACEPOINT.getOrDefault(name, OTHER_KVM);
    }
}
