package io.smtreplay.replay.wire;

import java.util.Map;

/**
 * The topics the job reads and writes (DESIGN.md, "Data on the wire"); tests use their own names.
 *
 * @param exits        ExitEvent records, key = host + vCPU thread
 * @param deadLetters  RejectedLine records: everything refused, with why
 * @param speedups     AppSpeedup results, key = app/config/window
 */
public record Topics(String exits, String deadLetters, String speedups) {

    public static final Topics DEFAULT = new Topics("kvm-exits", "kvm-exits-dlq", "smt-speedups");

    /** Topic names with a prefix, for tests sharing one broker. */
    public static Topics prefixed(String prefix) {
        return new Topics(prefix + DEFAULT.exits, prefix + DEFAULT.deadLetters, prefix + DEFAULT.speedups);
    }

    /** Partitions to create, for a broker that does not create topics itself. */
    public Map<String, Integer> partitions(int exitPartitions) {
        return Map.of(exits, exitPartitions, deadLetters, 1, speedups, 1);
    }
}
