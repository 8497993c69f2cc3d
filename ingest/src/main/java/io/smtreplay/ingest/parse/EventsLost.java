package io.smtreplay.ingest.parse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ring-buffer overrun mark in a trace: {@code CPU:3 [LOST 1234 EVENTS]} (ftrace's
 * {@code trace}/{@code trace_pipe}, trace-cmd report) or {@code CPU:3 [1234 EVENTS DROPPED]}
 * (newer trace-cmd).
 *
 * @param source     the file it was read from
 * @param lineNumber the marker's line, from 1
 * @param pcpu       the CPU whose buffer overran
 * @param count      how many events were lost (0 when the tracer did not say, {@link #TOO_MANY}
 *                   when it printed a count of 2^63 or more)
 */
public record EventsLost(String source, long lineNumber, int pcpu, long count) {

    /** The count of a mark whose printed count no long holds. */
    public static final long TOO_MANY = Long.MAX_VALUE;

    private static final Pattern MARK = Pattern.compile(
            "\\s*CPU:\\s*(\\d{1,6})\\s+\\[(?:LOST (\\d{1,19}) EVENTS|(\\d{1,19}) EVENTS DROPPED)]\\s*");

    /** The mark on {@code text}, or null if the line is not one. */
    static EventsLost parse(String source, long lineNumber, String text) {
        if (text.indexOf("CPU:") < 0) {
            return null; // the common case, without running the pattern
        }
        Matcher m = MARK.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String count = m.group(2) != null ? m.group(2) : m.group(3);
        long n;
        try {
            n = Long.parseLong(count);
        } catch (NumberFormatException e) {
            n = TOO_MANY; // 19 digits beyond 2^63 - 1: still a mark, events were lost here
        }
        return new EventsLost(source, lineNumber, Integer.parseInt(m.group(1)), n);
    }
}
