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
 * @param count      how many events were lost (0 when the tracer did not say)
 */
public record EventsLost(String source, long lineNumber, int pcpu, long count) {

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
        return new EventsLost(source, lineNumber, Integer.parseInt(m.group(1)), Long.parseLong(count));
    }
}
