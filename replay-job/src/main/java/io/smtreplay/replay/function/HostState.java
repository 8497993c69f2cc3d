package io.smtreplay.replay.function;

import io.smtreplay.projection.HostReplay;
import io.smtreplay.projection.ProjectionAccumulator;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keyed state of one host besides its pending events: the core-model {@link HostReplay} (its
 * threads' trackers and the critical path across them) and what it produced, per window and app,
 * not yet emitted. Checkpointed with Java serialization (the model's types are plain serializable
 * classes), see {@code ReplayJob#SERIALIZATION}.
 */
public final class HostState implements Serializable {

    private static final long serialVersionUID = 3L;

    final HostReplay replay = new HostReplay();
    /**
     * Thread id -> the newest event replayed of each thread not closed: a thread counts as idle once
     * the watermark passes it by the idle span.
     */
    final Map<Integer, Long> lastEventNs = new HashMap<>();
    /** The one idle timer set for this host, or MIN_VALUE when none is. */
    long idleTimerNs = Long.MIN_VALUE;
    /** Window start -> app -> what the host's threads of the app produced in it, until the watermark passes the window's end. */
    final TreeMap<Long, Map<String, ProjectionAccumulator>> windows = new TreeMap<>();

    boolean isEmpty() {
        return lastEventNs.isEmpty() && windows.isEmpty();
    }

    /** The earliest idle deadline of the open threads, or MIN_VALUE when none is open. */
    long firstIdleDeadline(long idleNs) {
        long first = Long.MAX_VALUE;
        for (long last : lastEventNs.values()) {
            first = Math.min(first, last + idleNs);
        }
        return lastEventNs.isEmpty() ? Long.MIN_VALUE : first;
    }
}
