package io.smtreplay.trace;

import java.util.HashMap;
import java.util.Map;

/**
 * What a KVM trace event means to the episode model. Tracepoints the model does not need are
 * {@link #OTHER_KVM}: still parsed, their text kept as raw payload.
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
    OTHER_KVM();

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

    /** The kind of a kvm/kvmmmu tracepoint by its name (without the {@code kvm:} system prefix). */
    public static EventKind ofTracepoint(String name) {
        return BY_TRACEPOINT.getOrDefault(name, OTHER_KVM);
    }
}
