package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

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
 *
 * <p>Works on bytes (the read buffer, scanned in place); a String is scanned through
 * {@link AsciiText}, whose bytes stand one for one for its chars. Only ASCII characters matter to the
 * shapes, so indices are the same either way.
 */
final class PrefixRecognizer {

    /** The largest timestamp a long holds in nanoseconds: 9223372036.854775807 s. */
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

    private PrefixRecognizer() {
    }

    /** The prefix of {@code line}, or null if the line does not start with a tool's record prefix. */
    static RecordPrefix recognize(String line) {
        PrefixScan scan = new PrefixScan();
        if (!recognize(AsciiText.bytes(line), 0, line.length(), scan)) {
            return null;
        }
        return new RecordPrefix(line.substring(scan.commStart, scan.commEnd), scan.tid, scan.pcpu,
                scan.timestampNs, scan.format, scan.eventStart, scan.timestampOutOfRange);
    }

    /**
     * Recognizes the prefix of the line {@code b[from, to)} into {@code scan} (positions are
     * indices into {@code b}); false if the line does not start with a tool's record prefix.
     */
    static boolean recognize(byte[] b, int from, int to, PrefixScan scan) {
        int start = skipSpaces(b, from, to);
        start = skipWallClockDate(b, start, to);
        // find "[digits]" preceded by a space: the CPU column
        int bracket = indexOf(b, '[', start, to);
        while (bracket > start) {
            int close = bracket + 1;
            while (close < to && isDigit(b[close])) {
                close++;
            }
            if (close > bracket + 1 && close < to && b[close] == ']' && b[bracket - 1] == ' ') {
                if (recognizeAround(b, start, to, bracket, close, scan)) {
                    return true;
                }
            }
            bracket = indexOf(b, '[', bracket + 1, to);
        }
        return false;
    }

    private static boolean recognizeAround(byte[] b, int start, int n, int bracket, int close, PrefixScan scan) {
        int pcpu = parseIntOrMinus(b, bracket + 1, close);
        // right of the CPU: optional flags, then "seconds.fraction:"
        int i = skipSpaces(b, close + 1, n);
        int tokenEnd = tokenEnd(b, i, n);
        if (tokenEnd == i) {
            return false;
        }
        if (b[tokenEnd - 1] != ':' || !isTimestamp(b, i, tokenEnd - 1)) {
            if (!isFlags(b, i, tokenEnd)) {
                return false;
            }
            i = skipSpaces(b, tokenEnd, n);
            tokenEnd = tokenEnd(b, i, n);
            if (tokenEnd == i || b[tokenEnd - 1] != ':' || !isTimestamp(b, i, tokenEnd - 1)) {
                return false;
            }
        }
        int tsStart = i;
        int tsEnd = tokenEnd - 1;
        int eventStart = tokenEnd;

        // left of the CPU
        int end = trimEnd(b, start, bracket);
        // perf-prof's flags column after the PID
        int lastTokenStart = lastTokenStart(b, start, end);
        if (lastTokenStart > start && isFlags(b, lastTokenStart, end) && !isDigit(b[lastTokenStart])) {
            end = trimEnd(b, start, lastTokenStart);
        }
        // optional "(TGID)" column of ftrace's record-tgid option
        if (end > start && b[end - 1] == ')') {
            int open = lastIndexOf(b, '(', start, end - 1);
            if (open > start) {
                end = trimEnd(b, start, open);
            }
        }
        int digitsStart = end;
        while (digitsStart > start && isDigit(b[digitsStart - 1])) {
            digitsStart--;
        }
        if (digitsStart == end) {
            return false;
        }
        int tid = parseIntOrMinus(b, digitsStart, end);
        TraceFormat format;
        int commEnd;
        if (isPerfUnknownThread(b, start, digitsStart, end)) {
            tid = TraceEvent.NO_TID;
            format = TraceFormat.PERF_SCRIPT;
            commEnd = trimEnd(b, start, digitsStart - 1);
        } else if (digitsStart > start && b[digitsStart - 1] == '-') {
            format = TraceFormat.FTRACE;
            commEnd = digitsStart - 1;
        } else if (digitsStart > start && b[digitsStart - 1] == '/') {
            // perf's PID/TID: the thread id is the TID
            int pidEnd = digitsStart - 1;
            int pidStart = pidEnd;
            while (pidStart > start && isDigit(b[pidStart - 1])) {
                pidStart--;
            }
            if (pidStart == pidEnd || pidStart == start || b[pidStart - 1] != ' ') {
                return false;
            }
            format = TraceFormat.PERF_SCRIPT;
            commEnd = trimEnd(b, start, pidStart);
        } else if (digitsStart > start && b[digitsStart - 1] == ' ') {
            format = TraceFormat.PERF_SCRIPT;
            commEnd = trimEnd(b, start, digitsStart);
        } else {
            return false;
        }
        int commStart = labelEnd(b, start, commEnd);
        if (commEnd <= commStart) {
            return false;
        }
        scan.commStart = commStart;
        scan.commEnd = commEnd;
        scan.tid = tid;
        scan.pcpu = pcpu;
        scan.format = format;
        scan.eventStart = eventStart;
        scan.timestampOutOfRange = !parseTimestamp(b, tsStart, tsEnd, scan);
        return true;
    }

    /**
     * perf's {@code :-1 -1}: a record whose task perf could not name (the kernel gives pid and tid
     * -1 for a task already unhashed, as in the last {@code sched_switch} of an exiting thread), and
     * perf prints the comm of an unknown thread as {@code :TID}. The thread is left unknown.
     */
    private static boolean isPerfUnknownThread(byte[] b, int start, int digitsStart, int end) {
        return end - digitsStart == 1 && b[digitsStart] == '1' && digitsStart - 2 > start
                && b[digitsStart - 1] == '-' && b[digitsStart - 2] == ' ';
    }

    /**
     * {@code seconds.fraction} (as {@link #isTimestamp} accepted it) into nanoseconds, exactly;
     * false when it is beyond what a long holds ({@code >= 9223372036.854775808 s}).
     */
    private static boolean parseTimestamp(byte[] b, int from, int to, PrefixScan scan) {
        long seconds = 0;
        int i = from;
        for (; b[i] != '.'; i++) {
            seconds = seconds * 10 + (b[i] - '0');
        }
        long fraction = 0;
        int digits = 0;
        for (i++; i < to; i++, digits++) {
            fraction = fraction * 10 + (b[i] - '0');
        }
        for (; digits < 9; digits++) {
            fraction *= 10;
        }
        if (seconds > MAX_SECONDS || (seconds == MAX_SECONDS && fraction > Long.MAX_VALUE % 1_000_000_000L)) {
            scan.timestampNs = io.smtreplay.trace.TraceEvent.NO_TIMESTAMP;
            return false;
        }
        scan.timestampNs = seconds * 1_000_000_000L + fraction;
        return true;
    }

    /** Where the comm starts: after the last run of two or more spaces (an author's label before it). */
    private static int labelEnd(byte[] b, int start, int commEnd) {
        for (int i = commEnd - 1; i > start; i--) {
            if (b[i] == ' ' && b[i - 1] == ' ') {
                return i + 1;
            }
        }
        return start;
    }

    private static final byte[] DATE_SHAPE = "dddd-dd-dd dd:dd:dd".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Skips perf-prof's "YYYY-MM-DD HH:MM:SS[.ffffff] " wall-clock date. */
    static int skipWallClockDate(byte[] b, int i, int n) {
        if (i + 19 > n) {
            return i;
        }
        for (int k = 0; k < DATE_SHAPE.length; k++) {
            byte c = b[i + k];
            byte s = DATE_SHAPE[k];
            if (s == 'd' ? !isDigit(c) : c != s) {
                return i;
            }
        }
        int j = i + 19;
        if (j < n && b[j] == '.') {
            j++;
            while (j < n && isDigit(b[j])) {
                j++;
            }
        }
        return skipSpaces(b, j, n);
    }

    static boolean startsWithWallClockDate(String line) {
        byte[] b = AsciiText.bytes(line);
        int start = skipSpaces(b, 0, b.length);
        return skipWallClockDate(b, start, b.length) != start;
    }

    /** ftrace/perf-prof flag columns: 4 or 5 characters of irqs-off, need-resched, hardirq, preempt, migrate. */
    private static boolean isFlags(byte[] b, int from, int to) {
        int len = to - from;
        if (len < 4 || len > 5) {
            return false;
        }
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (!(c == '.' || isDigit(c) || isFlagLetter(c))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFlagLetter(byte c) {
        return switch (c) {
            case 'd', 'D', 'X', 'N', 'n', 'p', 'b', 'h', 'H', 's', 'S', 'z', 'Z' -> true;
            default -> false;
        };
    }

    private static boolean isTimestamp(byte[] b, int from, int to) {
        int dot = -1;
        for (int i = from; i < to; i++) {
            byte c = b[i];
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

    private static int parseIntOrMinus(byte[] b, int from, int to) {
        if (to - from > 9) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    static int skipSpaces(byte[] b, int i, int n) {
        while (i < n && isBlank(b[i])) {
            i++;
        }
        return i;
    }

    static int tokenEnd(byte[] b, int i, int n) {
        while (i < n && !isBlank(b[i])) {
            i++;
        }
        return i;
    }

    private static int trimEnd(byte[] b, int start, int end) {
        while (end > start && isBlank(b[end - 1])) {
            end--;
        }
        return end;
    }

    private static int lastTokenStart(byte[] b, int start, int end) {
        int i = end;
        while (i > start && !isBlank(b[i - 1])) {
            i--;
        }
        return i;
    }

    private static int indexOf(byte[] b, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The last {@code c} in {@code b[from, before)}, or -1. */
    private static int lastIndexOf(byte[] b, char c, int from, int before) {
        for (int i = before - 1; i >= from; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Where a tool's record prefix was found in a line: positions are indices into the scanned bytes. */
    static final class PrefixScan {
        int commStart;
        int commEnd;
        int tid;
        int pcpu;
        long timestampNs;
        boolean timestampOutOfRange;
        TraceFormat format;
        int eventStart;
    }
}
