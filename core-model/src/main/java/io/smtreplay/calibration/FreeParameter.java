package io.smtreplay.calibration;

import io.smtreplay.profile.CostProfile;

import java.util.List;

/**
 * A quantity the calibration solves for, set on one or more profile parameters at once: a pair
 * of switches the data only give together (Table 1's stage 1 is a trap and a resume) is one free
 * parameter split evenly over both.
 *
 * @param name       what it is ({@code L2<->L0 switch pair})
 * @param parameters the profile parameters it sets ({@link CostProfile#parameters()}), each to value / count
 * @param lowNs      lower bound of the value
 * @param highNs     upper bound
 */
public record FreeParameter(String name, List<String> parameters, double lowNs, double highNs) {

    public FreeParameter {
        parameters = List.copyOf(parameters);
        if (parameters.isEmpty() || lowNs > highNs) {
            throw new IllegalArgumentException(name + ": at least one profile parameter and low <= high");
        }
    }

    /** The value in {@code profile}: the sum of its parameters (one the profile does not give counts 0). */
    public double valueIn(CostProfile profile) {
        return parameters.stream().mapToLong(p -> profile.parameters().getOrDefault(p, 0L)).sum();
    }

    /** {@code profile} with this quantity set to {@code valueNs}, clamped to its bounds. */
    public CostProfile apply(CostProfile profile, double valueNs) {
        double clamped = Math.max(lowNs, Math.min(highNs, valueNs));
        long each = Math.round(clamped / parameters.size());
        CostProfile p = profile;
        for (String parameter : parameters) {
            p = p.withParameter(parameter, each);
        }
        return p;
    }

    double clamp(double valueNs) {
        return Math.max(lowNs, Math.min(highNs, valueNs));
    }
}
