package io.smtreplay.projection;

import io.smtreplay.episode.EpisodeType;

/**
 * One line of "where the time goes" for one configuration: the episodes of a type and outer
 * reason, their time today and projected, and what that saves.
 */
public record ReasonSummary(EpisodeType type, String reason, long episodes, long trapsIntoL0, long baselineNs,
                            long projectedNs, long p50BaselineNs, long p50ProjectedNs, long p99BaselineNs,
                            long p99ProjectedNs) {

    public long savedNs() {
        return baselineNs - projectedNs;
    }
}
