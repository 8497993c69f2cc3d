package io.smtreplay.episode;

/**
 * A world switch as L0's trace shows it: every trap goes to L0 and every resume leaves it, so
 * L1 and L2 never switch to each other directly (an L2 trap is reflected to L1 through L0).
 */
public enum WorldSwitch {
    /** L2 traps to L0 ({@code kvm_exit} followed by {@code kvm_nested_vmexit}). */
    L2_TO_L0(Level.L2, Level.L0),
    /** L0 resumes L2 ({@code kvm_entry} after {@code kvm_nested_vmenter}, or back after an L2 exit L0 handled). */
    L0_TO_L2(Level.L0, Level.L2),
    /** L0 resumes L1 ({@code kvm_entry} after an L1 exit or after {@code kvm_nested_vmexit_inject}). */
    L0_TO_L1(Level.L0, Level.L1),
    /** L1 traps to L0 ({@code kvm_exit} with no {@code kvm_nested_vmexit}). */
    L1_TO_L0(Level.L1, Level.L0);

    private final Level from;
    private final Level to;

    WorldSwitch(Level from, Level to) {
        this.from = from;
        this.to = to;
    }

    public Level from() {
        return from;
    }

    public Level to() {
        return to;
    }

    /** The level other than L0 this switch leaves or enters. */
    public Level guest() {
        return from == Level.L0 ? to : from;
    }

    /** True when the switch enters L0 (a trap), false when it leaves L0 (a resume). */
    public boolean isTrap() {
        return to == Level.L0;
    }

    /** True for the switches between L0 and L1, the only ones a reflection makes nested ({@link SwitchRole}). */
    public boolean canBeNestedTransition() {
        return guest() == Level.L1;
    }

    /** The trap from a guest level into L0. */
    public static WorldSwitch trapFrom(Level guest) {
        return switch (guest) {
            case L1 -> L1_TO_L0;
            case L2 -> L2_TO_L0;
            case L0 -> throw new IllegalArgumentException("L0 does not trap to itself");
        };
    }

    /** The resume from L0 into a guest level. */
    public static WorldSwitch resumeInto(Level guest) {
        return switch (guest) {
            case L1 -> L0_TO_L1;
            case L2 -> L0_TO_L2;
            case L0 -> throw new IllegalArgumentException("L0 does not resume itself");
        };
    }
}
