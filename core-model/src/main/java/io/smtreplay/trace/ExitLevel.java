package io.smtreplay.trace;

/** Which guest an exit came from, as seen from the L0 host's trace. */
public enum ExitLevel {
    /** An exit of a single-level guest, or of L1 itself. */
    L1,
    /** An exit of a nested guest: L0 traced {@code kvm_nested_vmexit} right after the {@code kvm_exit}. */
    L2
}
