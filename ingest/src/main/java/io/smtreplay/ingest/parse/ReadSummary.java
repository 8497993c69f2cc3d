package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceFormat;
import java.util.Map;

/**
 * What reading one source gave. {@code lines} = physical lines read = lines that belong to events
 * + refused lines: nothing is unaccounted for.
 *
 * @param detectedFormat the tool format of the source's first prefixed record; null when none had a prefix
 */
public record ReadSummary(String source, TraceFormat detectedFormat, long lines, long events,
                          Map<RefusalReason, Long> refusedByReason) {

    public ReadSummary {
        refusedByReason = Map.copyOf(refusedByReason);
    }

    public long refused() {
        return refusedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
}
