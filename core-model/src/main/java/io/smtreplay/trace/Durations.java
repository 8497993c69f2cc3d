package io.smtreplay.trace;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of smtreplay, for every option and job parameter: a number and a unit,
 * {@code 50ns}, {@code 200us}, {@code 100ms}, {@code 10s}, {@code 2m}. Trace durations are often
 * below a millisecond, so the units go down to nanoseconds.
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m)");
    /** Longer than any trace or timeout: a larger value is a typo, and would overflow nanoseconds. */
    private static final double MAX_NS = Duration.ofDays(365).toNanos();

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the accepted form, for anything else */
    public static Duration parse(String value) {
        Matcher m = FORM.matcher(value == null ? "" : value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration such as 10s, 500ms, 200us, 50ns or 2m");
        }
        double nsPerUnit = switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            default -> 60e9;
        };
        double ns = Double.parseDouble(m.group(1)) * nsPerUnit;
        if (ns > MAX_NS) {
            throw new IllegalArgumentException("'" + value + "' is longer than a year");
        }
        return Duration.ofNanos(Math.round(ns));
    }

    /** The shortest exact text {@link #parse} reads back: {@code 10s}, {@code 20ms}, {@code 1500us}. */
    public static String format(Duration d) {
        long ns = d.toNanos();
        if (ns != 0 && ns % 60_000_000_000L == 0) {
            return ns / 60_000_000_000L + "m";
        }
        for (String unit : new String[] {"s", "ms", "us"}) {
            long per = switch (unit) {
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                default -> 1_000L;
            };
            if (ns != 0 && ns % per == 0) {
                return String.format(Locale.ROOT, "%d%s", ns / per, unit);
            }
        }
        return ns + "ns";
    }
}
