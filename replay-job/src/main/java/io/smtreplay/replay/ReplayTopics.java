package io.smtreplay.replay;

/** The topics the job reads and writes (DESIGN.md, "Data on the wire"). */
public final class ReplayTopics {

    public static final String EXITS = "kvm-exits";
    public static final String DEAD_LETTERS = "kvm-exits-dlq";
    public static final String SPEEDUPS = "smt-speedups";

    private ReplayTopics() {
    }
}
