package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceFormat;
import io.smtreplay.trace.TraceTimestamps;

/**
 * Recognizes the line prefix each tool prints before an event, by hand (no regex: this is the hot
 * path). All three tools print {@code ... [CPU] ... TIMESTAMP:}; they differ to the left of the
 * CPU bracket:
 * <ul>
 *   <li>raw ftrace ({@code trace}, {@code trace_pipe}) and {@code trace-cmd report}:
 *       {@code COMM-PID [CPU] FLAGS? TIMESTAMP:}, the comm right-aligned in 16 columns and free
 *       to contain spaces ({@code CPU 5/KVM-2137779}); an optional {@code (TGID)} column; flags
 *       are 4 characters (before 5.17), 5 (with migrate-disable) or absent (trace-cmd by default,
 *       2.6-era trace_pipe);</li>
 *   <li>{@code perf script}: {@code COMM PID[/TID] [CPU] TIMESTAMP:}, comm with spaces
 *       ({@code CPU 0/KVM}); perf-prof adds a leading wall-clock date and a flags column after
 *       the PID ({@code 2021-12-12 16:11:10.214139 <...> 206966 .N.. [017] 15504452.408994:}).
 *       The wall-clock date is dropped: the trace clock after the CPU is the timestamp.</li>
 * </ul>
 * An author's label in front of a record ({@code " B:        CPU 0/KVM-7289 [023] ..."}) is
 * recognized because ftrace right-aligns the comm in a 16-column field and perf separates comm
 * and PID with spaces: text separated from the comm by a run of two or more spaces cannot be
 * part of it, so it is dropped and the record kept. Whether the tool was ftrace or trace-cmd is
 * decided later from the event name's padding (see {@link TraceLineParser}).
 */
final class PrefixRecognizer {

    private PrefixRecognizer() {
    }

    /** The prefix of {@code line}, or null if the line does not start with a tool's record prefix. */
    static RecordPrefix recognize(String line) {
        int n = line.length();
        int start = skipSpaces(line, 0);
        start = skipWallClockDate(line, start);
        // find "[digits]" preceded by a space: the CPU column
        int bracket = line.indexOf('[', start);
        while (bracket > start) {
            int close = bracket + 1;
            while (close < n && isDigit(line.charAt(close))) {
                close++;
            }
            if (close > bracket + 1 && close < n && line.charAt(close) == ']' && line.charAt(bracket - 1) == ' ') {
                RecordPrefix p = recognizeAround(line, start, bracket, close);
                if (p != null) {
                    return p;
                }
            }
            bracket = line.indexOf('[', bracket + 1);
        }
        return null;
    }

    private static RecordPrefix recognizeAround(String line, int start, int bracket, int close) {
        int pcpu = parseIntOrMinus(line, bracket + 1, close);
        // right of the CPU: optional flags, then "seconds.fraction:"
        int i = skipSpaces(line, close + 1);
        int tokenEnd = tokenEnd(line, i);
        if (tokenEnd == i) {
            return null;
        }
        if (line.charAt(tokenEnd - 1) != ':' || !isTimestamp(line, i, tokenEnd - 1)) {
            if (!isFlags(line, i, tokenEnd)) {
                return null;
            }
            i = skipSpaces(line, tokenEnd);
            tokenEnd = tokenEnd(line, i);
            if (tokenEnd == i || line.charAt(tokenEnd - 1) != ':' || !isTimestamp(line, i, tokenEnd - 1)) {
                return null;
            }
        }
        long ts = TraceTimestamps.parseSecondsToNanos(line, i, tokenEnd - 1);
        int eventStart = tokenEnd;

        // left of the CPU
        int end = trimEnd(line, start, bracket);
        // perf-prof's flags column after the PID
        int lastTokenStart = lastTokenStart(line, start, end);
        if (lastTokenStart > start && isFlags(line, lastTokenStart, end) && !isDigit(line.charAt(lastTokenStart))) {
            end = trimEnd(line, start, lastTokenStart);
        }
        // optional "(TGID)" column of ftrace's record-tgid option
        if (end > start && line.charAt(end - 1) == ')') {
            int open = line.lastIndexOf('(', end - 1);
            if (open > start) {
                end = trimEnd(line, start, open);
            }
        }
        int digitsStart = end;
        while (digitsStart > start && isDigit(line.charAt(digitsStart - 1))) {
            digitsStart--;
        }
        if (digitsStart == end) {
            return null;
        }
        int tid = parseIntOrMinus(line, digitsStart, end);
        TraceFormat format;
        int commEnd;
        if (digitsStart > start && line.charAt(digitsStart - 1) == '-') {
            format = TraceFormat.FTRACE;
            commEnd = digitsStart - 1;
        } else if (digitsStart > start && line.charAt(digitsStart - 1) == '/') {
            // perf's PID/TID: the thread id is the TID
            int pidEnd = digitsStart - 1;
            int pidStart = pidEnd;
            while (pidStart > start && isDigit(line.charAt(pidStart - 1))) {
                pidStart--;
            }
            if (pidStart == pidEnd || pidStart == start || line.charAt(pidStart - 1) != ' ') {
                return null;
            }
            format = TraceFormat.PERF_SCRIPT;
            commEnd = trimEnd(line, start, pidStart);
        } else if (digitsStart > start && line.charAt(digitsStart - 1) == ' ') {
            format = TraceFormat.PERF_SCRIPT;
            commEnd = trimEnd(line, start, digitsStart);
        } else {
            return null;
        }
        int commStart = labelEnd(line, start, commEnd);
        if (commEnd <= commStart) {
            return null;
        }
        return new RecordPrefix(line.substring(commStart, commEnd), tid, pcpu, ts, format, eventStart);
    }

    /** Where the comm starts: after the last run of two or more spaces (an author's label before it). */
    private static int labelEnd(String line, int start, int commEnd) {
        for (int i = commEnd - 1; i > start; i--) {
            if (line.charAt(i) == ' ' && line.charAt(i - 1) == ' ') {
                return i + 1;
            }
        }
        return start;
    }

    /** Skips perf-prof's "YYYY-MM-DD HH:MM:SS[.ffffff] " wall-clock date. */
    static int skipWallClockDate(String line, int i) {
        int n = line.length();
        if (i + 19 > n) {
            return i;
        }
        String shape = "dddd-dd-dd dd:dd:dd";
        for (int k = 0; k < shape.length(); k++) {
            char c = line.charAt(i + k);
            char s = shape.charAt(k);
            if (s == 'd' ? !isDigit(c) : c != s) {
                return i;
            }
        }
        int j = i + 19;
        if (j < n && line.charAt(j) == '.') {
            j++;
            while (j < n && isDigit(line.charAt(j))) {
                j++;
            }
        }
        return skipSpaces(line, j);
    }

    static boolean startsWithWallClockDate(String line) {
        int start = skipSpaces(line, 0);
        return skipWallClockDate(line, start) != start;
    }

    /** ftrace/perf-prof flag columns: 4 or 5 characters of irqs-off, need-resched, hardirq, preempt, migrate. */
    private static boolean isFlags(String line, int from, int to) {
        int len = to - from;
        if (len < 4 || len > 5) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = line.charAt(i);
            if (!(c == '.' || isDigit(c) || "dDXNnpbhHsSzZ".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTimestamp(String line, int from, int to) {
        int dot = -1;
        for (int i = from; i < to; i++) {
            char c = line.charAt(i);
            if (c == '.') {
                if (dot >= 0) {
                    return false;
                }
                dot = i;
            } else if (!isDigit(c)) {
                return false;
            }
        }
        return dot > from && dot < to - 1 && to - dot - 1 <= 9 && dot - from <= 10;
    }

    private static int parseIntOrMinus(String line, int from, int to) {
        if (to - from > 9) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (line.charAt(i) - '0');
        }
        return v;
    }

    static int skipSpaces(String line, int i) {
        int n = line.length();
        while (i < n && isBlank(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int tokenEnd(String line, int i) {
        int n = line.length();
        while (i < n && !isBlank(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int trimEnd(String line, int start, int end) {
        while (end > start && isBlank(line.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static int lastTokenStart(String line, int start, int end) {
        int i = end;
        while (i > start && !isBlank(line.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
