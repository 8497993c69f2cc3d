package io.smtreplay.ingest.parse;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.TraceEvent;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sched_wakeup}, {@code sched_wakeup_new}, {@code sched_waking} and {@code sched_switch}:
 * the thread the event makes run becomes {@link TraceEvent#wokenThread()}. Two printings exist,
 * whatever the tool:
 * <ul>
 *   <li>the kernel's TP_printk (raw ftrace {@code trace}, perf script, trace-cmd without its
 *       plugins): {@code comm=%s pid=%d prio=%d target_cpu=%03d} (3.x kernels add
 *       {@code success=%d} before {@code target_cpu}), and {@code prev_comm=%s prev_pid=%d
 *       prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d};</li>
 *   <li>libtraceevent's sched plugin (trace-cmd report's default, perf with plugins):
 *       {@code COMM:PID [PRIO] [success=1] CPU:NNN} and {@code PREV:PID [PRIO] STATE ==> NEXT:PID [PRIO]}
 *       (the comm and the prio are left out when the format lacks them).</li>
 * </ul>
 * A comm may hold spaces and colons ({@code CPU 0/KVM}), so the plugin form is read from its end.
 */
final class SchedHandler implements TracepointHandler {
    private static final Set<String> KEYS = Set.of("comm", "pid", "prio", "success", "target_cpu", "prev_comm",
            "prev_pid", "prev_prio", "prev_state", "next_comm", "next_pid", "next_prio");
    /** What the plugin prints after the task's {@code [comm:]pid}, last first: target CPU, success, prio. */
    private static final Pattern PLUGIN_SUFFIX = Pattern.compile("(?: \\[-?\\d+\\])?(?: success=\\d+)?(?: CPU:\\d+)?$");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final String tracepoint;
    private final boolean isSwitch;

    SchedHandler(String tracepoint) {
        this.tracepoint = tracepoint;
        this.isSwitch = EventKind.ofTracepoint(tracepoint) == EventKind.SCHED_SWITCH;
    }

    @Override
    public Set<String> keys() {
        return KEYS;
    }

    @Override
    public void decode(String[] tokens, TraceEvent.Builder event, IsaContext isa) throws MalformedPayloadException {
        String payload = String.join(" ", tokens);
        event.wokenThread(wokenThread(payload));
        if (isSwitch && !event.hasThread()) {
            event.tid(switchedOutThread(payload));
        }
        event.isa(isa.current());
    }

    /**
     * A switch is traced in the context of the task it switches out, so {@code prev_pid} is its
     * thread where the tool could not print one (perf's {@code :-1 -1} for an exiting thread's last
     * switch).
     */
    private int switchedOutThread(String payload) throws MalformedPayloadException {
        int at = keyAt(payload, "prev_pid=");
        if (at < 0) {
            throw new MalformedPayloadException(RefusalReason.TRUNCATED, tracepoint + " with neither a thread nor a prev_pid");
        }
        return PayloadFields.decimal(digitsAt(payload, at + "prev_pid=".length()), "prev_pid");
    }

    private static String digitsAt(String text, int start) {
        int end = start;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return text.substring(start, end);
    }

    private int wokenThread(String payload) throws MalformedPayloadException {
        String task = payload;
        if (isSwitch) {
            int arrow = payload.lastIndexOf("==> ");
            if (arrow < 0) {
                throw new MalformedPayloadException(RefusalReason.TRUNCATED, tracepoint + " without its next task (==>)");
            }
            task = payload.substring(arrow + 4);
        }
        String key = isSwitch ? "next_pid=" : "pid=";
        int at = keyAt(task, key);
        if (at >= 0) {
            return PayloadFields.decimal(digitsAt(task, at + key.length()), key);
        }
        if (task.contains("=") && !task.contains("success=")) {
            throw new MalformedPayloadException(RefusalReason.TRUNCATED, tracepoint + " without its " + key);
        }
        // the plugin's [comm:]pid: what follows the pid is known, the comm may hold colons
        Matcher suffix = PLUGIN_SUFFIX.matcher(task);
        String head = suffix.find() ? task.substring(0, suffix.start()) : task;
        String pid = head.substring(head.lastIndexOf(':') + 1);
        if (!DIGITS.matcher(pid).matches()) {
            throw new MalformedPayloadException(RefusalReason.MALFORMED_KVM_EVENT, tracepoint + ": no task pid in '" + task + "'");
        }
        return PayloadFields.decimal(pid, "pid");
    }

    /** {@code key} at the start of a field: at the payload's start or after a blank. */
    private static int keyAt(String text, String key) {
        int at = text.startsWith(key) ? 0 : text.indexOf(" " + key);
        return at <= 0 ? at : at + 1;
    }

    @Override
    public boolean complete(String[] tokens) {
        return true;
    }
}
