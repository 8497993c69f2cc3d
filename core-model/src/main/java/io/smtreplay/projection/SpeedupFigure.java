package io.smtreplay.projection;

import java.util.Locale;

/**
 * A speedup printed with as many digits as its uncertainty allows: to the decimal where its 95 %
 * interval's half-width shows (at most three decimals), the interval beside it; with no interval
 * (too few episodes), two significant figures and "not enough data" — never four figures from
 * three episodes.
 */
public final class SpeedupFigure {

    private SpeedupFigure() {
    }

    public static String format(double value, TimeBlocks.Interval interval) {
        if (interval == null) {
            return String.format(Locale.ROOT, "%.2gx (not enough data)", value);
        }
        double half = (interval.high() - interval.low()) / 2;
        int decimals = half <= 0 ? 3 : Math.max(0, Math.min(3, (int) -Math.floor(Math.log10(half))));
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + "x [" + f + "-" + f + "]", value, interval.low(), interval.high());
    }
}
