package io.smtreplay.episode;

/**
 * What a world switch does besides moving between two levels. L0's trace tells the two apart
 * (see {@link EpisodeTracker}); their costs differ (Table 1 of ISCA'19 prices the nested
 * transition at 1.40 µs a round trip, while a whole single-level cpuid takes ≈ 0.6 µs).
 */
public enum SwitchRole {
    /**
     * A trap or resume of the level's own: L2's exits and resumes, L1's exits and the traps L1
     * makes while it handles a reflected exit (VMREAD/VMWRITE, MSR, APIC ICR…).
     */
    PLAIN,
    /**
     * The L0↔L1 half of a reflection: L0 resuming L1 with a reflected L2 exit (vmcs02 → vmcs01,
     * after {@code kvm_nested_vmexit_inject}), or L1's VMRESUME/VMLAUNCH/VMRUN trap that L0 turns
     * into an entry into L2 (vmcs01 → vmcs02). Only switches between L0 and L1 can play this role
     * ({@link WorldSwitch#canBeNestedTransition()}).
     */
    NESTED_TRANSITION
}
