package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.trace.TraceFormat;
import java.util.Map;

/**
 * What reading one source gave: lines read, events, refused lines by reason.
 * {@code detectedFormat} is the format of the source's first event, null if it had none.
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
