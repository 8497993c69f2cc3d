package io.smtreplay.replay.function;

import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.projection.ProjectionAccumulator;
import java.io.Serializable;
import java.util.TreeMap;

/**
 * The keyed state of one vCPU thread besides its pending events: the core-model tracker and what
 * it produced, per window, not yet emitted. Checkpointed with Java serialization (the model's
 * types are plain serializable classes), see {@code ReplayJob#SERIALIZATION}.
 */
public final class VcpuState implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Null after an idle close, until the vCPU's next event. */
    EpisodeTracker tracker;
    String app;
    /** Event time at which the vCPU counts as idle, if no event comes before. */
    long idleDeadlineNs = Long.MIN_VALUE;
    /** Window start -> what the vCPU produced in it, until the watermark passes the window's end. */
    final TreeMap<Long, ProjectionAccumulator> windows = new TreeMap<>();

    boolean isEmpty() {
        return tracker == null && windows.isEmpty();
    }
}
