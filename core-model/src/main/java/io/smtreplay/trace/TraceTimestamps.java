package io.smtreplay.trace;

/** Trace timestamps as text ({@code 83184.290326}, {@code 4.013105123}) to nanoseconds, exactly. */
public final class TraceTimestamps {

    private TraceTimestamps() {
    }

    /**
     * Parses {@code seconds[.fraction]} into nanoseconds with no floating point: the fraction may
     * have 1 to 9 digits (ftrace prints 6 for the local clock, 9 with ns clocks).
     *
     * @throws NumberFormatException on anything else
     */
    public static long parseSecondsToNanos(CharSequence text, int start, int end) {
        long seconds = 0;
        int i = start;
        if (i >= end) {
            throw new NumberFormatException("empty timestamp");
        }
        for (; i < end && text.charAt(i) != '.'; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || seconds > 9_000_000_000L) {
                throw new NumberFormatException("bad timestamp: " + text.subSequence(start, end));
            }
            seconds = seconds * 10 + (c - '0');
        }
        long fraction = 0;
        int digits = 0;
        if (i < end) {
            for (i++; i < end; i++, digits++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || digits == 9) {
                    throw new NumberFormatException("bad timestamp: " + text.subSequence(start, end));
                }
                fraction = fraction * 10 + (c - '0');
            }
            if (digits == 0) {
                throw new NumberFormatException("bad timestamp: " + text.subSequence(start, end));
            }
        }
        for (; digits < 9; digits++) {
            fraction *= 10;
        }
        return seconds * 1_000_000_000L + fraction;
    }

    public static long parseSecondsToNanos(CharSequence text) {
        return parseSecondsToNanos(text, 0, text.length());
    }

    /** Formats nanoseconds as {@code seconds.fraction} with the given number of fraction digits (1–9), truncating. */
    public static String format(long nanos, int fractionDigits) {
        long seconds = nanos / 1_000_000_000L;
        long fraction = nanos % 1_000_000_000L;
        for (int d = 9; d > fractionDigits; d--) {
            fraction /= 10;
        }
        String f = Long.toString(fraction);
        return seconds + "." + "0".repeat(fractionDigits - f.length()) + f;
    }
}
