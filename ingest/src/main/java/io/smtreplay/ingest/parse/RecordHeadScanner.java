package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceFormat;
import io.smtreplay.trace.TraceTimestamps;

/**
 * Finds the record head of a line in any tool's layout, by hand rather than with a regular
 * expression because it runs on every line of multi-gigabyte traces.
 *
 * <p>Every prefixed layout pivots on the CPU column {@code [NNN]}:
 * <pre>
 * ftrace / trace_pipe:   comm-PID [cpu] flags ts: event: payload      (flags: 4 or 5 chars, absent on 2.6-era trace_pipe)
 * trace-cmd report:      comm-PID [cpu] ts: event:   payload          (event name padded with spaces; flags with -l)
 * perf script:           comm PID [cpu] ts: kvm:event: payload        (comm may contain spaces: "CPU 0/KVM")
 * perf-prof:             date comm PID flags [cpu] ts: kvm:event: ...
 * </pre>
 * Left of the CPU column is the thread: {@code comm-PID} (ftrace; comm may hold spaces and dashes,
 * the PID is the digits after the last dash) or {@code comm PID} (perf). An optional tgid column
 * {@code (  123)}, a leading wall-clock date (perf-prof) and a leading one- or two-character label
 * an author put before a real record ({@code B:}) are skipped.
 */
final class RecordHeadScanner {

    private RecordHeadScanner() {
    }

    /** The record head on {@code line}, or null if the line does not start a record. */
    static RecordHead scan(String line) {
        int n = line.length();
        int open = -1;
        int close = -1;
        for (int i = line.indexOf('['); i >= 0; i = line.indexOf('[', i + 1)) {
            int j = i + 1;
            while (j < n && isDigit(line.charAt(j))) {
                j++;
            }
            if (j > i + 1 && j < n && line.charAt(j) == ']') {
                open = i;
                close = j;
                break;
            }
        }
        if (open < 0) {
            return scanEventOnly(line);
        }
        Thread thread = scanThread(line, open);
        if (thread == null) {
            return scanEventOnly(line);
        }
        int cpu = parseIntOrMinus1(line, open + 1, close);

        int i = skipSpaces(line, close + 1);
        int tokenEnd = tokenEnd(line, i);
        boolean flags = false;
        if (tokenEnd > i && line.charAt(tokenEnd - 1) != ':') {
            flags = true; // irqs-off/need-resched/... column
            i = skipSpaces(line, tokenEnd);
            tokenEnd = tokenEnd(line, i);
        }
        if (tokenEnd <= i || line.charAt(tokenEnd - 1) != ':') {
            return null;
        }
        long ts;
        try {
            ts = TraceTimestamps.parseSecondsToNanos(line, i, tokenEnd - 1);
        } catch (NumberFormatException e) {
            return null;
        }
        i = skipSpaces(line, tokenEnd);
        // perf script -F ...,period prints a bare count before the event
        int countEnd = i;
        while (countEnd < n && isDigit(line.charAt(countEnd))) {
            countEnd++;
        }
        if (countEnd > i && countEnd < n && line.charAt(countEnd) == ' ') {
            i = skipSpaces(line, countEnd);
        }
        TraceFormat format;
        RecordHead head = new RecordHead(thread.comm, thread.tid, cpu, ts, TraceFormat.FTRACE, null, null, true, "");
        if (i >= n) {
            return head.withFormat(thread.perfStyle ? TraceFormat.PERF_SCRIPT : flags ? TraceFormat.FTRACE : TraceFormat.TRACE_CMD);
        }
        EventToken token = scanEventToken(line, i);
        if (token.system != null || thread.perfStyle) {
            format = TraceFormat.PERF_SCRIPT;
        } else if (flags) {
            format = TraceFormat.FTRACE;
        } else if (token.paddedPayload) {
            format = TraceFormat.TRACE_CMD;
        } else {
            format = TraceFormat.FTRACE; // 2.6-era trace_pipe: no flags column, single space
        }
        return head.withFormat(format).withEvent(token.system, token.event, token.complete, token.payload);
    }

    /**
     * The event token at the start of a continuation line, for records wrapped right after the
     * timestamp; null if the line does not start with {@code event:}.
     */
    static RecordHead continueAfterTimestamp(RecordHead head, String line) {
        int i = skipSpaces(line, 0);
        if (i >= line.length()) {
            return null;
        }
        EventToken token = scanEventToken(line, i);
        if (token.event == null || token.event.isEmpty()) {
            return null;
        }
        return head.withEvent(token.system, token.event, token.complete, token.payload);
    }

    /** A record whose prefix the author stripped: {@code kvm_exit: reason ...} or {@code kvm:kvm_exit: ...}. */
    private static RecordHead scanEventOnly(String line) {
        int i = skipSpaces(line, 0);
        if (i >= line.length()) {
            return null;
        }
        EventToken token = scanEventToken(line, i);
        if (token.event == null || !token.complete || !KvmTracepoints.isKvm(token.system, token.event)) {
            return null;
        }
        if (!KvmTracepoints.isIdentifier(token.event, 0, token.event.length())) {
            return null;
        }
        return RecordHead.eventOnly(token.system, token.event, token.payload);
    }

    private record Thread(String comm, int tid, boolean perfStyle) {
    }

    private static Thread scanThread(String line, int open) {
        int end = open;
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        int start = skipSpaces(line, 0);
        start = skipLeadingDate(line, start, end);
        start = skipLeadingLabel(line, start, end);
        if (end <= start) {
            return null;
        }
        // tgid column "(  1234)" of trace-cmd/ftrace with record-tgid
        if (line.charAt(end - 1) == ')') {
            int paren = line.lastIndexOf('(', end - 1);
            if (paren > start && isDigitsOrSpaces(line, paren + 1, end - 1)) {
                end = paren;
                while (end > start && line.charAt(end - 1) == ' ') {
                    end--;
                }
            }
        }
        int lastSpace = line.lastIndexOf(' ', end - 1);
        int lastTokenStart = lastSpace < start ? start : lastSpace + 1;
        if (isDigits(line, lastTokenStart, end) || isPidSlashTid(line, lastTokenStart, end)) {
            // perf script: "comm PID" or "comm PID/TID"
            int slash = line.indexOf('/', lastTokenStart);
            int tidStart = slash >= 0 && slash < end ? slash + 1 : lastTokenStart;
            String comm = lastTokenStart > start ? line.substring(start, lastTokenStart).trim() : null;
            return new Thread(comm, parseIntOrMinus1(line, tidStart, end), true);
        }
        if (lastSpace > start && isFlags(line, lastTokenStart, end)) {
            // perf-prof: "comm PID flags"
            int pidEnd = lastSpace;
            while (pidEnd > start && line.charAt(pidEnd - 1) == ' ') {
                pidEnd--;
            }
            int pidStart = line.lastIndexOf(' ', pidEnd - 1) + 1;
            if (pidStart < start) {
                pidStart = start;
            }
            if (isDigits(line, pidStart, pidEnd)) {
                String comm = pidStart > start ? line.substring(start, pidStart).trim() : null;
                return new Thread(comm, parseIntOrMinus1(line, pidStart, pidEnd), true);
            }
            return null;
        }
        // ftrace: "comm-PID", the PID being the digits after the last dash
        int dash = line.lastIndexOf('-', end - 1);
        if (dash >= start && isDigits(line, dash + 1, end)) {
            return new Thread(line.substring(start, dash), parseIntOrMinus1(line, dash + 1, end), false);
        }
        return null;
    }

    private record EventToken(String system, String event, boolean complete, String payload, boolean paddedPayload) {
    }

    /** {@code event: payload}, {@code system:event: payload}; complete=false when the name has no colon. */
    private static EventToken scanEventToken(String line, int i) {
        int n = line.length();
        int end = i;
        while (end < n && line.charAt(end) != ':' && line.charAt(end) != ' ') {
            end++;
        }
        if (end >= n || line.charAt(end) != ':') {
            String name = line.substring(i, end);
            return new EventToken(null, name, false, "", false);
        }
        String first = line.substring(i, end);
        int afterColon = end + 1;
        String system = null;
        String event = first;
        if ((first.equals("kvm") || first.equals("kvmmmu")) && afterColon < n && line.charAt(afterColon) != ' ') {
            int e2 = afterColon;
            while (e2 < n && line.charAt(e2) != ':' && line.charAt(e2) != ' ') {
                e2++;
            }
            system = first;
            event = line.substring(afterColon, e2);
            if (e2 >= n || line.charAt(e2) != ':') {
                return new EventToken(system, event, false, "", false);
            }
            afterColon = e2 + 1;
        }
        boolean padded = afterColon + 1 < n && line.charAt(afterColon) == ' ' && line.charAt(afterColon + 1) == ' ';
        String payload = line.substring(afterColon).strip();
        return new EventToken(system, event, true, payload, padded);
    }

    private static int skipLeadingDate(String line, int start, int end) {
        // "2021-12-12 16:11:10.214139 " as printed by perf-prof before each record
        if (end - start > 20 && line.charAt(start + 4) == '-' && line.charAt(start + 7) == '-'
                && line.charAt(start + 10) == ' ' && line.charAt(start + 13) == ':' && isDigits(line, start, start + 4)) {
            int i = start + 11;
            while (i < end && line.charAt(i) != ' ') {
                i++;
            }
            return skipSpaces(line, i);
        }
        return start;
    }

    private static int skipLeadingLabel(String line, int start, int end) {
        // "B:        CPU 0/KVM-7289 [023] ..." : an author's one- or two-character label before a record
        for (int len = 1; len <= 2; len++) {
            int colon = start + len;
            if (colon + 2 < end && line.charAt(colon) == ':' && line.charAt(colon + 1) == ' '
                    && Character.isLetterOrDigit(line.charAt(start)) && Character.isLetterOrDigit(line.charAt(colon - 1))) {
                return skipSpaces(line, colon + 1);
            }
        }
        return start;
    }

    private static boolean isFlags(String s, int start, int end) {
        int len = end - start;
        if (len < 4 || len > 5) {
            return false;
        }
        boolean dot = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dot = true;
            } else if (!Character.isLetterOrDigit(c)) {
                return false;
            }
        }
        return dot;
    }

    private static boolean isPidSlashTid(String s, int start, int end) {
        int slash = s.indexOf('/', start);
        return slash > start && slash < end - 1 && isDigits(s, start, slash) && isDigits(s, slash + 1, end);
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isDigits(String s, int start, int end) {
        if (end <= start) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigitsOrSpaces(String s, int start, int end) {
        boolean digit = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (isDigit(c)) {
                digit = true;
            } else if (c != ' ') {
                return false;
            }
        }
        return digit;
    }

    private static int parseIntOrMinus1(String s, int start, int end) {
        if (end - start > 9) {
            return -1; // not a pid or cpu a kernel prints
        }
        int v = 0;
        for (int i = start; i < end; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    static int skipSpaces(String s, int i) {
        int n = s.length();
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int tokenEnd(String s, int i) {
        int n = s.length();
        while (i < n && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
            i++;
        }
        return i;
    }

}
