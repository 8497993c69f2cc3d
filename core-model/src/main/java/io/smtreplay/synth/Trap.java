package io.smtreplay.synth;

/**
 * One exit as a workload describes it: what the guest did, the MSR it touched (for MSR exits,
 * else 0), how long L0 works on it besides the world switches, ns, and how long L0 then waits
 * before resuming the guest (an idle exit: L1's own HLT inside a reflected episode), ns.
 */
public record Trap(GuestExit exit, int msr, long l0Ns, long waitNs) {

    /** IA32_TSC_DEADLINE: the local APIC timer in TSC-deadline mode, the paper's MSR_WRITE. */
    public static final int MSR_TSC_DEADLINE = 0x6e0;
    /** x2APIC ICR: an inter-processor interrupt. */
    public static final int MSR_X2APIC_ICR = 0x830;

    public Trap {
        if (l0Ns < 0 || waitNs < 0) {
            throw new IllegalArgumentException("negative L0 time or wait");
        }
    }

    public Trap(GuestExit exit, int msr, long l0Ns) {
        this(exit, msr, l0Ns, 0);
    }

    public static Trap of(GuestExit exit, long l0Ns) {
        return new Trap(exit, 0, l0Ns);
    }

    public static Trap msrWrite(int msr, long l0Ns) {
        return new Trap(GuestExit.MSR_WRITE, msr, l0Ns);
    }

    /** An idle exit (HLT): L0 works {@code l0Ns}, then the vCPU waits {@code waitNs} for a wake-up. */
    public static Trap idle(long l0Ns, long waitNs) {
        return new Trap(GuestExit.HLT, 0, l0Ns, waitNs);
    }
}
