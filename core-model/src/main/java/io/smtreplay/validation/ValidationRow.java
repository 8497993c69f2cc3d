package io.smtreplay.validation;

/**
 * A published figure beside what the model projects for it.
 *
 * @param figure    the published number
 * @param projected the central profile's projection; NaN when the model has nothing to compare
 * @param low       the lowest projection over the profile's family
 * @param high      the highest
 * @param how       how the projection was made (workload, configuration, metric)
 * @param missing   for a figure the model cannot reach or cannot compute: which mechanism or input
 *                  is missing; empty otherwise
 */
public record ValidationRow(PaperFigure figure, double projected, double low, double high, String how,
                            String missing) {

    /** projected / published − 1; NaN when nothing was projected. */
    public double error() {
        return projected / figure.value() - 1;
    }

    public boolean projectedSomething() {
        return !Double.isNaN(projected);
    }
}
