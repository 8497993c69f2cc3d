package io.smtreplay.synth;

/**
 * One exit as a workload describes it: what the guest did, the MSR it touched (for MSR exits,
 * else 0) and how long L0 works on it besides the world switches, ns.
 */
public record Trap(GuestExit exit, int msr, long l0Ns) {

    /** IA32_TSC_DEADLINE: the local APIC timer in TSC-deadline mode, the paper's MSR_WRITE. */
    public static final int MSR_TSC_DEADLINE = 0x6e0;
    /** x2APIC ICR: an inter-processor interrupt. */
    public static final int MSR_X2APIC_ICR = 0x830;

    public Trap {
        if (l0Ns < 0) {
            throw new IllegalArgumentException("negative L0 time");
        }
    }

    public static Trap of(GuestExit exit, long l0Ns) {
        return new Trap(exit, 0, l0Ns);
    }

    public static Trap msrWrite(int msr, long l0Ns) {
        return new Trap(GuestExit.MSR_WRITE, msr, l0Ns);
    }
}
