package io.smtreplay.synth;

import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;

/**
 * What a guest did to trap, independent of the ISA: workloads are written once in these terms and
 * each maps to the hardware exit code of VMX or SVM (names then come from {@link ExitReasons}).
 * On SVM an MMIO access is a nested page fault with the reserved bit set, and MSR reads and writes
 * share one exit code told apart by EXITINFO1.
 */
public enum GuestExit {
    CPUID(10, 0x072),
    HLT(12, 0x078),
    /** A page not yet mapped in L0's (shadow) EPT/NPT: L0 handles it without L1. */
    EPT_VIOLATION(48, 0x400),
    /** A virtio doorbell (MMIO): EPT misconfiguration on VMX, a reserved-bit NPF on SVM. */
    MMIO(49, 0x400),
    MSR_READ(31, 0x07c),
    /** WRMSR, e.g. IA32_TSC_DEADLINE (0x6e0) for the local APIC timer. */
    MSR_WRITE(32, 0x07c),
    EXTERNAL_INTERRUPT(1, 0x060),
    IO_INSTRUCTION(30, 0x07b),
    /** L1's nested entry into L2 after a reflected exit: VMRESUME on VMX, VMRUN on SVM. */
    NESTED_RESUME(24, 0x080),
    /** VMREAD of a vmcs12 field by L1 (VMX without VMCS shadowing). */
    VMREAD(23, -1),
    /** VMWRITE of a vmcs12 field by L1 (VMX without VMCS shadowing, or a field outside the shadow set). */
    VMWRITE(25, -1),
    /** VMLOAD by L1 around its VMRUN (SVM without virtual VMLOAD/VMSAVE). */
    VMLOAD(-1, 0x082);

    private final long vmxCode;
    private final long svmCode;

    GuestExit(long vmxCode, long svmCode) {
        this.vmxCode = vmxCode;
        this.svmCode = svmCode;
    }

    public boolean existsOn(Isa isa) {
        return code(isa) >= 0;
    }

    long code(Isa isa) {
        return switch (isa) {
            case VMX -> vmxCode;
            case SVM -> svmCode;
            case UNKNOWN -> throw new IllegalArgumentException("no exit codes for ISA " + isa);
        };
    }

    /** The exit reason this guest action produces on {@code isa}. */
    public ExitReason reason(Isa isa) {
        long code = code(isa);
        if (code < 0) {
            throw new IllegalArgumentException(this + " does not exist on " + isa);
        }
        return ExitReasons.byCode(isa, code);
    }
}
