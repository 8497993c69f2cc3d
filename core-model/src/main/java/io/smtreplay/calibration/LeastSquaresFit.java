package io.smtreplay.calibration;

import io.smtreplay.profile.CostProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Fits free parameters of a profile to published numbers by weighted least squares
 * (Levenberg–Marquardt, bounds by clamping, numerical derivatives): it minimizes Σ residual²
 * with each residual in its datum's own sigmas, bounds counting only when violated. The model is
 * evaluated as {@code project} evaluates it (the predictions replay episodes through the tracker
 * and core model), so a fit that cannot reach the data shows it in its residuals instead of
 * being solved into agreement.
 */
public final class LeastSquaresFit {

    /** A datum and how the model predicts it from a profile. */
    public record Target(Datum datum, ToDoubleFunction<CostProfile> prediction) {
    }

    /** How far the fitted model is from one datum. */
    public record Residual(Datum datum, double predicted, double sigmas) {
        /** (predicted − value) / value; the bound's excess only, for bounds. */
        public double relativeError() {
            return sigmas * datum.sigma() / datum.value();
        }
    }

    /**
     * The fitted profile, the value of each free parameter, and every residual.
     *
     * @param equalities data that are equalities (bounds do not add degrees of freedom while they hold)
     */
    public record Result(CostProfile profile, Map<String, Double> values, List<Residual> residuals,
                         int equalities, int freeParameters) {

        public double chiSquare() {
            return residuals.stream().mapToDouble(r -> r.sigmas() * r.sigmas()).sum();
        }

        /** Equalities minus free parameters: 0 means the data determine the parameters and cannot test them. */
        public int degreesOfFreedom() {
            return equalities - freeParameters;
        }

        /** True when every datum is reproduced within {@code maxSigmas} of its uncertainty. */
        public boolean consistent(double maxSigmas) {
            return residuals.stream().allMatch(r -> Math.abs(r.sigmas()) <= maxSigmas);
        }

        public Residual residual(String datumId) {
            return residuals.stream().filter(r -> r.datum().id().equals(datumId)).findFirst().orElseThrow();
        }
    }

    private static final double STEP_NS = 20;
    private static final int MAX_ITERATIONS = 300;

    private LeastSquaresFit() {
    }

    public static Result fit(CostProfile start, List<FreeParameter> free, List<Target> targets) {
        int n = free.size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = free.get(i).clamp(free.get(i).valueIn(start));
        }
        double[] r = residuals(start, free, x, targets);
        double cost = dot(r, r);
        double lambda = 1e-3;
        for (int iteration = 0; iteration < MAX_ITERATIONS && cost > 1e-12; iteration++) {
            double[][] jacobian = jacobian(start, free, x, targets, r);
            double[][] a = new double[n][n];
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (double[] row : jacobian) {
                        a[i][j] += row[i] * row[j];
                    }
                }
                for (int k = 0; k < r.length; k++) {
                    g[i] -= jacobian[k][i] * r[k];
                }
            }
            boolean improved = false;
            while (lambda < 1e12) {
                double[][] damped = new double[n][];
                for (int i = 0; i < n; i++) {
                    damped[i] = a[i].clone();
                    damped[i][i] += lambda * (a[i][i] + 1e-9);
                }
                double[] step = solve(damped, g.clone());
                double[] candidate = new double[n];
                for (int i = 0; i < n; i++) {
                    candidate[i] = free.get(i).clamp(x[i] + step[i]);
                }
                double[] rc = residuals(start, free, candidate, targets);
                double c = dot(rc, rc);
                if (c < cost - 1e-12) {
                    x = candidate;
                    r = rc;
                    cost = c;
                    lambda = Math.max(lambda / 3, 1e-9);
                    improved = true;
                    break;
                }
                lambda *= 4;
            }
            if (!improved) {
                break;
            }
        }
        CostProfile fitted = apply(start, free, x);
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            values.put(free.get(i).name(), free.get(i).valueIn(fitted));
        }
        List<Residual> residuals = new ArrayList<>();
        int equalities = 0;
        for (Target t : targets) {
            double predicted = t.prediction().applyAsDouble(fitted);
            residuals.add(new Residual(t.datum(), predicted, t.datum().residualSigmas(predicted)));
            equalities += t.datum().bound() == Datum.Bound.EQUAL ? 1 : 0;
        }
        return new Result(fitted, values, residuals, equalities, n);
    }

    /** Every target's residual under the profile with the free parameters at {@code x}. */
    public static double[] residuals(CostProfile start, List<FreeParameter> free, double[] x, List<Target> targets) {
        CostProfile p = apply(start, free, x);
        double[] r = new double[targets.size()];
        for (int k = 0; k < r.length; k++) {
            r[k] = targets.get(k).datum().residualSigmas(targets.get(k).prediction().applyAsDouble(p));
        }
        return r;
    }

    private static CostProfile apply(CostProfile start, List<FreeParameter> free, double[] x) {
        CostProfile p = start;
        for (int i = 0; i < x.length; i++) {
            p = free.get(i).apply(p, x[i]);
        }
        return p;
    }

    private static double[][] jacobian(CostProfile start, List<FreeParameter> free, double[] x, List<Target> targets,
                                       double[] r) {
        double[][] j = new double[r.length][x.length];
        for (int i = 0; i < x.length; i++) {
            double[] shifted = x.clone();
            double h = x[i] + STEP_NS > free.get(i).highNs() ? -STEP_NS : STEP_NS;
            shifted[i] += h;
            double[] rs = residuals(start, free, shifted, targets);
            for (int k = 0; k < r.length; k++) {
                j[k][i] = (rs[k] - r[k]) / h;
            }
        }
        return j;
    }

    /** Solves a·x = b by Gaussian elimination with partial pivoting (a is small and positive definite when damped). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            double tb = b[col];
            b[col] = b[pivot];
            b[pivot] = tb;
            if (Math.abs(a[col][col]) < 1e-300) {
                continue;
            }
            for (int row = col + 1; row < n; row++) {
                double f = a[row][col] / a[col][col];
                for (int k = col; k < n; k++) {
                    a[row][k] -= f * a[col][k];
                }
                b[row] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int row = n - 1; row >= 0; row--) {
            double s = b[row];
            for (int k = row + 1; k < n; k++) {
                s -= a[row][k] * x[k];
            }
            x[row] = Math.abs(a[row][row]) < 1e-300 ? 0 : s / a[row][row];
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
