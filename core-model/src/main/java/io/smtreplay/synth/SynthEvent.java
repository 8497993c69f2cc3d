package io.smtreplay.synth;

import io.smtreplay.trace.ExitReason;

/** One tracepoint hit the synthesizer will print; fields a tracepoint does not use stay 0. */
final class SynthEvent {

    /** The tracepoints the synthesizer writes. */
    enum Tp {
        ENTRY("kvm_entry"),
        EXIT("kvm_exit"),
        NESTED_VMEXIT("kvm_nested_vmexit"),
        NESTED_VMEXIT_INJECT("kvm_nested_vmexit_inject"),
        /** {@code kvm_nested_vmrun} or {@code kvm_nested_vmenter}, by kernel era. */
        NESTED_VMENTER("kvm_nested_vmenter"),
        NESTED_INTERCEPTS("kvm_nested_intercepts"),
        PAGE_FAULT("kvm_page_fault"),
        MSR("kvm_msr"),
        FAST_MMIO("kvm_fast_mmio"),
        /** An interrupt accepted by a vCPU's local APIC (an IPI, a device interrupt), traced in the sender's context. */
        APIC_ACCEPT_IRQ("kvm_apic_accept_irq"),
        /** An MSI injected by a device backend (irqfd), traced in the backend's context. */
        MSI_SET_IRQ("kvm_msi_set_irq"),
        /** The scheduler starts waking a thread, in the waker's context. */
        SCHED_WAKING("sched_waking"),
        /** The scheduler made a thread runnable (here traced on the waker's CPU too). */
        SCHED_WAKEUP("sched_wakeup");

        final String tracepoint;

        Tp(String tracepoint) {
            this.tracepoint = tracepoint;
        }

        boolean scheduler() {
            return this == SCHED_WAKING || this == SCHED_WAKEUP;
        }
    }

    final long timeNs;
    final VcpuThread thread;
    final Tp tp;
    ExitReason reason;
    long rip;
    long info1;
    long info2;
    long intrInfo;
    long errorCode;
    /** kvm_page_fault/kvm_fast_mmio address, kvm_msr index, nested vmenter vmcb12/vmcs12 address. */
    long address;
    /** kvm_msr value, kvm_page_fault error code, nested vmenter L2 RIP; the vector of an interrupt. */
    long value;
    /** The thread a sched event wakes, or whose APIC an interrupt targets. */
    VcpuThread target;
    /** Merge order of events at the same time (the order they were made). */
    long order;

    SynthEvent(long timeNs, VcpuThread thread, Tp tp) {
        this.timeNs = timeNs;
        this.thread = thread;
        this.tp = tp;
    }
}
