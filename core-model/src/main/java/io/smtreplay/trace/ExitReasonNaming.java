package io.smtreplay.trace;

/** The spellings of exit reasons seen in real traces; one table per ISA and naming. */
public enum ExitReasonNaming {
    /** The kernel's TP_printk (raw ftrace): VMX {@code EPT_VIOLATION}, SVM {@code npf}, {@code GP excp}. */
    KERNEL,
    /** libtraceevent's plugin_kvm (trace-cmd report, perf script): VMX as the kernel, SVM {@code EXIT_NPF}. */
    TRACEEVENT_PLUGIN,
    /** 2.6-era kernels: lower-case VMX names such as {@code apic_access}, {@code ext_irq}, {@code halt}. */
    LEGACY_LOWERCASE
}
