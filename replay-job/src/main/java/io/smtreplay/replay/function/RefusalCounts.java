package io.smtreplay.replay.function;

import io.smtreplay.trace.RefusalReason;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records a finished job refused, by {@code stage/reason}, read from its accumulators (one
 * per stage and reason, summed over subtasks and restarts by Flink). A restart from a checkpoint
 * counts a refusal again if it happened after that checkpoint: these counts are an upper bound
 * on what the dead-letter topic holds once, never less.
 */
public record RefusalCounts(Map<String, Long> byStageAndReason) {

    private static final String PREFIX = "smtreplay-refused/";

    public RefusalCounts {
        byStageAndReason = Map.copyOf(byStageAndReason);
    }

    static String accumulatorName(String stage, String reason) {
        return PREFIX + stage + "/" + reason;
    }

    /** The refusal counts among a job's accumulator results ({@code JobExecutionResult.getAllAccumulatorResults()}). */
    public static RefusalCounts fromAccumulators(Map<String, Object> accumulators) {
        Map<String, Long> counts = new TreeMap<>();
        accumulators.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && value instanceof Number n && n.longValue() > 0) {
                counts.put(name.substring(PREFIX.length()), n.longValue());
            }
        });
        return new RefusalCounts(counts);
    }

    public long count(RefusalReason reason) {
        return byStageAndReason.getOrDefault(reason.stage().code() + "/" + reason.code(), 0L);
    }

    /** Events refused because they arrived behind the watermark: their results are missing or short. */
    public long late() {
        return count(RefusalReason.LATE);
    }

    public long total() {
        return byStageAndReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code 3 refused (decode/undecodable 1, replay/late 2)}, or {@code none refused}. */
    @Override
    public String toString() {
        if (byStageAndReason.isEmpty()) {
            return "none refused";
        }
        return total() + " refused (" + new TreeMap<>(byStageAndReason).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")) + ")";
    }
}
