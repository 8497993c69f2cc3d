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
        event.wokenThread(wokenThread(tokens));
        if (isSwitch && !event.hasThread()) {
            event.tid(switchedOutThread(tokens));
        }
        event.isa(isa.current());
    }

    /**
     * A switch is traced in the context of the task it switches out, so {@code prev_pid} is its
     * thread where the tool could not print one (perf's {@code :-1 -1} for an exiting thread's last
     * switch).
     */
    private int switchedOutThread(String[] tokens) throws MalformedPayloadException {
        String pid = PayloadFields.assignedDigits(tokens, 0, "prev_pid");
        if (pid == null) {
            throw new MalformedPayloadException(RefusalReason.TRUNCATED, tracepoint + " with neither a thread nor a prev_pid");
        }
        return PayloadFields.decimal(pid, "prev_pid");
    }

    private int wokenThread(String[] tokens) throws MalformedPayloadException {
        int task = 0;
        if (isSwitch) {
            int arrow = lastIndexOf(tokens, "==>");
            if (arrow < 0) {
                throw new MalformedPayloadException(RefusalReason.TRUNCATED, tracepoint + " without its next task (==>)");
            }
            task = arrow + 1;
        }
        String key = isSwitch ? "next_pid" : "pid";
        String pid = PayloadFields.assignedDigits(tokens, task, key);
        if (pid != null) {
            return PayloadFields.decimal(pid, key + "=");
        }
        String text = String.join(" ", java.util.Arrays.asList(tokens).subList(task, tokens.length));
        if (text.contains("=") && !text.contains("success=")) {
            throw new MalformedPayloadException(RefusalReason.TRUNCATED, tracepoint + " without its " + key + "=");
        }
        return pluginTaskPid(text);
    }

    /** The plugin's {@code [comm:]pid ...}: what follows the pid is known, the comm may hold colons and blanks. */
    private int pluginTaskPid(String task) throws MalformedPayloadException {
        Matcher suffix = PLUGIN_SUFFIX.matcher(task);
        String head = suffix.find() ? task.substring(0, suffix.start()) : task;
        String pid = head.substring(head.lastIndexOf(':') + 1);
        if (!DIGITS.matcher(pid).matches()) {
            throw new MalformedPayloadException(RefusalReason.MALFORMED_KVM_EVENT, tracepoint + ": no task pid in '" + task + "'");
        }
        return PayloadFields.decimal(pid, "pid");
    }

    private static int lastIndexOf(String[] tokens, String token) {
        for (int i = tokens.length - 1; i >= 0; i--) {
            if (tokens[i].equals(token)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean complete(String[] tokens) {
        return true;
    }
}
