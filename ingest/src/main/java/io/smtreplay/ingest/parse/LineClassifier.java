package io.smtreplay.ingest.parse;

import java.util.Set;

/**
 * Names why a line that starts no trace record is refused. These rules only choose the reason
 * reported; whatever they say, the line is refused and kept.
 */
final class LineClassifier {

    private static final Set<String> COMMANDS = Set.of(
            "perf", "kvm_stat", "trace-cmd", "cat", "echo", "sudo", "ls", "pgrep", "pidof", "grep", "less",
            "mount", "modprobe", "qemu-system-x86_64", "virsh", "taskset", "./perf", "./tools/perf/perf");

    private static final String[] TABLE_MARKERS = {
        "Analyze events", "VM-EXIT", "Total Samples", "Performance counter stats", "seconds time elapsed",
        "exit_reason", "MMIO Access", "IO Port Access", "unknown kvm exit code", "kvm statistics", "---------",
        "latency(ns)", "CurAvg/s"};

    private LineClassifier() {
    }

    static RefusalReason classify(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return RefusalReason.BLANK;
        }
        if (t.charAt(0) == '#') {
            return classifyHashLine(t);
        }
        if (isSeparator(t)) {
            return RefusalReason.SEPARATOR;
        }
        if (isCommand(t)) {
            return RefusalReason.COMMAND;
        }
        if (isTableRow(t)) {
            return RefusalReason.TABLE;
        }
        return RefusalReason.ANNOTATION;
    }

    private static RefusalReason classifyHashLine(String t) {
        if (t.startsWith("# tracer:") || t.startsWith("# entries-in-buffer") || t.contains("TASK-PID")
                || t.contains("=>") || t.indexOf('|') >= 0 || t.chars().skip(1).allMatch(c -> c == ' ' || c == '|' || c == '#')) {
            return RefusalReason.FTRACE_HEADER;
        }
        String rest = t.substring(1).strip();
        int space = rest.indexOf(' ');
        String first = space < 0 ? rest : rest.substring(0, space);
        // an author's note in '#' form, or the header a synthesizer writes
        return COMMANDS.contains(first) ? RefusalReason.COMMAND : RefusalReason.ANNOTATION;
    }

    /** A run of one punctuation character: {@code ====}, {@code ----}, {@code ————}. */
    private static boolean isSeparator(String t) {
        String s = t.replace(" ", "");
        return s.length() >= 3 && s.chars().allMatch(c -> c == s.charAt(0)) && !Character.isLetterOrDigit(s.charAt(0));
    }

    private static boolean isCommand(String t) {
        if (t.startsWith("$ ") || t.equals(">>") || t.startsWith("^C") || t.startsWith("^D")) {
            return true;
        }
        // "[root@host dir]# cmd", "user@host:~$ cmd"
        int prompt = Math.max(t.indexOf("]# "), t.indexOf("$ "));
        if (t.startsWith("[") && prompt > 0) {
            return true;
        }
        int space = t.indexOf(' ');
        String first = space < 0 ? t : t.substring(0, space);
        return COMMANDS.contains(first) && space > 0;
    }

    private static boolean isTableRow(String t) {
        for (String marker : TABLE_MARKERS) {
            if (t.contains(marker)) {
                return true;
            }
        }
        if (t.indexOf('|') >= 0 && (t.indexOf('*') >= 0 || t.contains("->"))) {
            return true; // histogram bars
        }
        int numeric = 0;
        int tokens = 0;
        for (String token : t.split("\\s+")) {
            tokens++;
            if (isNumericCell(token)) {
                numeric++;
            }
        }
        return numeric >= 2 && numeric * 2 >= tokens;
    }

    private static boolean isNumericCell(String token) {
        boolean digit = false;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (".,%()+-:/xus[]".indexOf(c) < 0) {
                return false;
            }
        }
        return digit;
    }
}
