package io.smtreplay.episode;

/** The three kinds of episode of the model (DESIGN.md, "The model in one page"). */
public enum EpisodeType {
    /** An exit of L1 (or of a single-level guest) handled by L0, up to the next entry. */
    L1_EXIT(Level.L1),
    /** An exit of L2 that L0 handled itself and resumed L2 (no {@code kvm_nested_vmexit_inject}). */
    L2_EXIT_HANDLED_BY_L0(Level.L2),
    /**
     * An exit of L2 reflected to L1: from L2's exit to the entry back into L2, including the
     * resume into L1, L1's own traps and L1's VMRESUME/VMLAUNCH/VMRUN.
     */
    L2_EXIT_REFLECTED(Level.L2);

    private final Level exitingLevel;

    EpisodeType(Level exitingLevel) {
        this.exitingLevel = exitingLevel;
    }

    /** The level whose exit opened the episode. */
    public Level exitingLevel() {
        return exitingLevel;
    }
}
