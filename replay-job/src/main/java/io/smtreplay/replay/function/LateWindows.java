package io.smtreplay.replay.function;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, once per run of late events of one app and window (per subtask; a window warned of before is warned of again after another window of that app, or after a restore), that events of that window arrived behind the
 * watermark and were refused as late: its result is then missing them. A bounded replay also
 * counts them at its end and exits 1; an unbounded one never ends, so this WARN line, with the
 * {@code smtreplay_records_refused_total{reason="late"}} metric, is how an outage longer than
 * {@code --idleness} shows (docs/streaming.md, "What an outage can still cost").
 */
final class LateWindows {

    private static final Logger LOG = LoggerFactory.getLogger(LateWindows.class);

    private final long windowNs;
    /** app -> start of the last window warned of: an outage makes many late events in a row, one line each window. */
    private final Map<String, Long> warned = new HashMap<>();

    LateWindows(long windowNs) {
        this.windowNs = windowNs;
    }

    void refused(String app, long timestampNs, long watermarkNs) {
        long start = Math.floorDiv(timestampNs, windowNs) * windowNs;
        Long last = warned.put(app, start);
        if (last == null || last != start) {
            LOG.warn("app {}: events of the window [{}, {}) ns arrived behind the watermark ({} ns) and were refused "
                    + "as late (on the dead-letter topic): that window's result is missing them", app, start,
                    start + windowNs, watermarkNs);
        }
    }
}
