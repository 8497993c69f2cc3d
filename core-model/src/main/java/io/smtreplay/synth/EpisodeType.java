package io.smtreplay.synth;

/** The three kinds of episode of DESIGN.md's model, as the synthesizer generates them. */
public enum EpisodeType {
    /** An exit of L1 (not running L2) handled by L0: kvm_exit ... kvm_entry. */
    L1_EXIT,
    /** An exit of L2 that L0 handles itself (EPT violation, host interrupt, HLT): no world switch to L1. */
    L2_EXIT_HANDLED_BY_L0,
    /** An exit of L2 reflected to L1: from L2's exit to the entry back into L2, with L1's own exits inside. */
    L2_EXIT_REFLECTED
}
