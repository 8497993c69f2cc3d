package io.smtreplay.calibration;

import java.util.Objects;

/**
 * One published number a profile is fitted to (or checked against): its value, its uncertainty
 * (rounding of the printed figure, or reading it off a plot) and whether it is an equality or a
 * bound.
 *
 * @param id     short stable id ({@code table1.stage4}, {@code fig6.svt-hw})
 * @param what   what the number is, one line
 * @param value  the number, in {@code unit}
 * @param sigma  its uncertainty, same unit; residuals are counted in these
 * @param unit   {@code ns} or {@code x} (a speedup)
 * @param bound  equal, at most, at least
 * @param source where it is printed
 */
public record Datum(String id, String what, double value, double sigma, String unit, Bound bound, String source) {

    public enum Bound {
        EQUAL("="), AT_MOST("<="), AT_LEAST(">=");

        private final String symbol;

        Bound(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public Datum {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bound, "bound");
        if (!(sigma > 0)) {
            throw new IllegalArgumentException(id + ": sigma must be positive");
        }
    }

    public static Datum equal(String id, String what, double value, double sigma, String unit, String source) {
        return new Datum(id, what, value, sigma, unit, Bound.EQUAL, source);
    }

    /**
     * The residual of a prediction in sigmas: signed for an equality, 0 when a bound holds and the
     * excess otherwise.
     */
    public double residualSigmas(double predicted) {
        double r = (predicted - value) / sigma;
        return switch (bound) {
            case EQUAL -> r;
            case AT_MOST -> Math.max(0, r);
            case AT_LEAST -> Math.min(0, r);
        };
    }
}
