package io.smtreplay.trace;

import java.io.Serializable;
import java.util.Objects;

/**
 * One exit reason: the ISA, the hardware code and the canonical name (the kernel's TP_printk
 * name for that ISA, e.g. {@code EPT_VIOLATION}, {@code npf}). {@code flags} holds the upper bits
 * of a VMX exit reason (e.g. {@link #VMX_FAILED_VMENTRY}). A code the tables do not know is kept
 * with {@link #known()} false and a name such as {@code UNKNOWN(0x4a)}: never dropped.
 */
public record ExitReason(Isa isa, long code, String name, long flags, boolean known) implements Serializable {

    /** VMX_EXIT_REASONS_FAILED_VMENTRY: the VM entry itself failed. */
    public static final long VMX_FAILED_VMENTRY = 0x8000_0000L;
    /** VMX_EXIT_REASON_FROM_ENCLAVE. */
    public static final long VMX_FROM_ENCLAVE = 0x0800_0000L;

    public ExitReason {
        Objects.requireNonNull(isa, "isa");
        Objects.requireNonNull(name, "name");
    }

    public static ExitReason unknown(Isa isa, long code) {
        return new ExitReason(isa, code, "UNKNOWN(0x" + Long.toHexString(code) + ")", 0, false);
    }

    public boolean failedVmEntry() {
        return (flags & VMX_FAILED_VMENTRY) != 0;
    }

    public ExitReason withFlags(long moreFlags) {
        return new ExitReason(isa, code, name, flags | moreFlags, known);
    }

    /** The value the kernel stores in the {@code exit_reason} field: code plus flag bits. */
    public long rawExitReason() {
        return code | flags;
    }

    @Override
    public String toString() {
        return failedVmEntry() ? name + " FAILED_VMENTRY" : name;
    }
}
