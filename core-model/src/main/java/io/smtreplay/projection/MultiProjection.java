package io.smtreplay.projection;

import io.smtreplay.trace.TraceEvent;

import java.util.List;

/**
 * One trace projected under several projectors (profiles) at once: every event goes to each
 * projector's own {@link TraceProjector}, so each result is what that profile alone gives.
 */
public final class MultiProjection {

    private final List<TraceProjector> projections;

    public MultiProjection(List<Projector> projectors) {
        if (projectors.isEmpty()) {
            throw new IllegalArgumentException("at least one projector");
        }
        this.projections = projectors.stream().map(TraceProjector::new).toList();
    }

    /** One event of {@code source}, labelled with its app. */
    public void accept(String app, String source, TraceEvent event) {
        for (TraceProjector p : projections) {
            p.accept(app, source, event);
        }
    }

    /** See {@link TraceProjector#eventsLost}. */
    public void eventsLost(String source, int pcpu) {
        for (TraceProjector p : projections) {
            p.eventsLost(source, pcpu);
        }
    }

    public void finish() {
        projections.forEach(TraceProjector::finish);
    }

    /** The projection of projector number {@code index}. */
    public TraceProjector get(int index) {
        return projections.get(index);
    }

    public int size() {
        return projections.size();
    }
}
