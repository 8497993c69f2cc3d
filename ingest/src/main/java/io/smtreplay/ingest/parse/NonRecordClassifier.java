package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import java.util.Set;

/**
 * Says why a line that is no trace record was refused. Only the reason depends on this; that the
 * line is refused was decided before (it has no record prefix and no kvm event).
 */
final class NonRecordClassifier {
    /** Programs users paste with their prompts: the command lines around traces. */
    private static final Set<String> COMMANDS = Set.of("perf", "trace-cmd", "cat", "echo", "kvm_stat", "pgrep", "less",
            "sudo", "grep", "head", "tail", "tee", "cd", "ls", "modprobe", "qemu-system-x86_64", "bpftrace", "trace_pipe");
    /** Words of the header rows of perf kvm stat, kvm_stat, perf stat and histogram tables. */
    private static final Set<String> TABLE_HEADER_WORDS = Set.of("Samples", "Samples%", "Time%", "%Total", "CurAvg/s",
            "calls", "total(us)", "distribution", "VM-EXIT");

    private NonRecordClassifier() {
    }

    static RefusedLineKind classify(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return new RefusedLineKind(RefusalReason.BLANK, "blank line");
        }
        if (t.charAt(0) == '#') {
            String rest = t.substring(1).strip();
            if (isFtraceHeader(rest)) {
                return new RefusedLineKind(RefusalReason.FTRACE_HEADER, "ftrace header");
            }
            if (isCommand(rest)) {
                return new RefusedLineKind(RefusalReason.COMMAND, "root prompt and command");
            }
            return new RefusedLineKind(RefusalReason.ANNOTATION, "'#' comment");
        }
        if (t.matches("cpus=\\d+|version = \\d+|CPU \\d+ is empty|CPU\\d+ data recorded at offset=.*")) {
            return new RefusedLineKind(RefusalReason.FTRACE_HEADER, "trace-cmd report header");
        }
        if (t.startsWith("$ ") || t.equals("$") || t.matches("\\[[^\\]]*\\][#$].*") || isCommand(t)
                || t.matches("\\^[A-Z@].*")) {
            return new RefusedLineKind(RefusalReason.COMMAND, "shell prompt, command or control key");
        }
        if (isSeparator(t)) {
            return new RefusedLineKind(RefusalReason.SEPARATOR, "separator or elision");
        }
        String[] tokens = PayloadFields.tokens(t);
        if (bareKvmName(t)) {
            return new RefusedLineKind(RefusalReason.TRUNCATED, "kvm event name without its payload");
        }
        if (isTableRow(tokens)) {
            return new RefusedLineKind(RefusalReason.TABLE, "table row or header");
        }
        boolean letters = t.codePoints().anyMatch(Character::isLetter);
        return letters ? new RefusedLineKind(RefusalReason.ANNOTATION, "text that is not a trace record")
                : new RefusedLineKind(RefusalReason.UNRECOGNIZED, "no known trace format");
    }

    private static boolean isFtraceHeader(String rest) {
        return rest.isEmpty() || rest.startsWith("tracer:") || rest.startsWith("entries-in-buffer") || rest.contains("=>")
                || rest.contains("TASK-PID") || rest.replaceAll("[|/ ]", "").isEmpty()
                || rest.replaceAll("[|/ ]|delay", "").isEmpty();
    }

    private static boolean isCommand(String t) {
        int space = t.indexOf(' ');
        String first = space < 0 ? t : t.substring(0, space);
        int slash = first.lastIndexOf('/');
        String program = slash >= 0 ? first.substring(slash + 1) : first;
        return COMMANDS.contains(program) || (first.startsWith("./") && first.length() > 2);
    }

    private static boolean isSeparator(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ("-=_*~.—–[]<> \t".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean bareKvmName(String t) {
        String name = t.startsWith("kvm:") ? t.substring(4) : t;
        return name.matches("[a-z_][a-z0-9_]*") && KvmTracepoints.isKvm(null, name);
    }

    private static boolean isTableRow(String[] tokens) {
        if (tokens.length >= 2 && tokens[0].matches("[\\d,.]+") && tokens[1].matches("[a-z]+:[a-z_0-9]+")) {
            return true; // perf stat: "1,880 kvm:kvm_entry [100.00%]"
        }
        int numeric = 0;
        for (String token : tokens) {
            if (TABLE_HEADER_WORDS.contains(token)) {
                return true;
            }
            if (token.matches("\\[?[+-]?[\\d,.]*\\d[\\d,.]*(%|us|ms|ns|%\\)|:|%\\])?")) {
                numeric++;
            }
        }
        return numeric >= 2 && numeric * 3 >= tokens.length;
    }

    record RefusedLineKind(RefusalReason reason, String detail) {
    }
}
