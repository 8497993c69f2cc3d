package io.smtreplay.replay.function;

import io.smtreplay.replay.ReplayJob;

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

    private static final long serialVersionUID = 2L;

    /** Null after an idle close, until the vCPU's next event. */
    EpisodeTracker tracker;
    String app;
    /** The newest event replayed: the vCPU counts as idle once the watermark passes it by the idle span. */
    long lastEventNs = Long.MIN_VALUE;
    /** The one idle timer set for this vCPU, or MIN_VALUE when none is. */
    long idleTimerNs = Long.MIN_VALUE;
    /** Window start -> what the vCPU produced in it, until the watermark passes the window's end. */
    final TreeMap<Long, ProjectionAccumulator> windows = new TreeMap<>();

    boolean isEmpty() {
        return tracker == null && windows.isEmpty();
    }
}
