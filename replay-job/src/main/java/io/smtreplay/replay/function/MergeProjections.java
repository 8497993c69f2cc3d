package io.smtreplay.replay.function;

import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import org.apache.flink.api.common.functions.AggregateFunction;

/** An app window's content: the hosts' shares merged exactly (the model's accumulators are mergeable). */
public final class MergeProjections implements AggregateFunction<HostWindow, ProjectionAccumulator, ProjectionAccumulator> {

    private static final long serialVersionUID = 1L;
    private final Projector projector;

    public MergeProjections(Projector projector) {
        this.projector = projector;
    }

    @Override
    public ProjectionAccumulator createAccumulator() {
        return projector.newAccumulator();
    }

    @Override
    public ProjectionAccumulator add(HostWindow share, ProjectionAccumulator acc) {
        return acc.merge(share.projection);
    }

    @Override
    public ProjectionAccumulator getResult(ProjectionAccumulator acc) {
        return acc;
    }

    @Override
    public ProjectionAccumulator merge(ProjectionAccumulator a, ProjectionAccumulator b) {
        return a.merge(b);
    }
}
