package io.smtreplay.projection;

import io.smtreplay.profile.ProfileFamily;
import io.smtreplay.smt.SmtConfiguration;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A trace projected under every profile of a family at once: the central profile's projection
 * is the figure reported, the members' give its band. Each profile has its own
 * {@link TraceProjector}, so what each computes is exactly what {@code project} computes with
 * that profile alone.
 */
public final class FamilyProjection {

    /** The range a figure takes over a family's profiles (the central one included). */
    public record Band(double low, double high) {
        public boolean contains(double value) {
            return value >= low && value <= high;
        }
    }

    private final ProfileFamily family;
    private final MultiProjection projections;

    public FamilyProjection(ProfileFamily family, List<SmtConfiguration> configurations) {
        this.family = family;
        this.projections = new MultiProjection(family.allProfiles().stream()
                .map(profile -> new Projector(configurations, profile)).toList());
    }

    public ProfileFamily family() {
        return family;
    }

    /** Where the trace's events go: one projection per profile, the central one first. */
    public MultiProjection input() {
        return projections;
    }

    /** The central profile's projection: the reported figures. */
    public TraceProjector central() {
        return projections.get(0);
    }

    /**
     * The range of {@code figure} (a speedup, a latency…) of {@code app} over every profile of
     * the family; for a family of one, the central figure twice.
     */
    public Band band(String app, ToDoubleFunction<ProjectionAccumulator> figure) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < projections.size(); i++) {
            ProjectionAccumulator acc = projections.get(i).byApp().get(app);
            if (acc == null) {
                continue;
            }
            double v = figure.applyAsDouble(acc);
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        return low > high ? new Band(Double.NaN, Double.NaN) : new Band(low, high);
    }
}
