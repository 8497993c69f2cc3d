package io.smtreplay.projection;

import io.smtreplay.profile.CostProfile;
import io.smtreplay.smt.SmtConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sensitivity of the projection to one profile parameter: the trace projected once per value
 * of {@code parameter} from {@code fromNs} to {@code toNs} by {@code stepNs}, everything else as
 * in the profile.
 */
public final class ParameterSweep {

    /** At most this many values: a sweep is a table a person reads. */
    public static final int MAX_STEPS = 200;

    private final String parameter;
    private final List<Long> values = new ArrayList<>();
    private final MultiProjection projections;

    /**
     * @throws IllegalArgumentException for an unknown parameter, an empty or reversed range, a
     *                                  step that is not positive or more than {@link #MAX_STEPS} values
     */
    public ParameterSweep(CostProfile profile, List<SmtConfiguration> configurations, String parameter, long fromNs,
                          long toNs, long stepNs) {
        if (stepNs <= 0 || toNs < fromNs || fromNs < 0) {
            throw new IllegalArgumentException("a sweep needs 0 <= FROM <= TO and STEP > 0 (ns), not "
                    + fromNs + ":" + toNs + ":" + stepNs);
        }
        if ((toNs - fromNs) / stepNs + 1 > MAX_STEPS) {
            throw new IllegalArgumentException("a sweep of more than " + MAX_STEPS + " values; use a larger STEP");
        }
        Map<String, Long> known = profile.parameters();
        if (!known.containsKey(parameter) && !parameter.startsWith(CostProfile.HANDOFF)) {
            throw new IllegalArgumentException("no profile parameter " + parameter + " (known: "
                    + String.join(", ", known.keySet()) + ")");
        }
        this.parameter = parameter;
        List<Projector> projectors = new ArrayList<>();
        for (long v = fromNs; v <= toNs; v += stepNs) {
            values.add(v);
            projectors.add(new Projector(configurations, profile.withParameter(parameter, v)));
        }
        this.projections = new MultiProjection(projectors);
    }

    public String parameter() {
        return parameter;
    }

    /** The parameter's values, ns, in order. */
    public List<Long> values() {
        return List.copyOf(values);
    }

    /** Where the trace's events go: one projection per value, in order. */
    public MultiProjection input() {
        return projections;
    }

    /** The projection under value number {@code index}. */
    public TraceProjector at(int index) {
        return projections.get(index);
    }
}
