package io.smtreplay.ingest.parse;

/** Why a line of a trace file is not an event. Every refused line carries one; none is dropped. */
public enum RefusalReason {
    BLANK("blank", "empty line"),
    FTRACE_HEADER("ftrace-header", "the '# tracer: ...' header of a tracefs trace file"),
    COMMENT("comment", "a '#' comment, e.g. an author's note or a synthesized-trace header"),
    COMMAND("command", "a shell prompt or command line pasted with the trace"),
    TABLE("table", "a table row: perf kvm stat, kvm_stat, perf stat counts, a histogram"),
    NOT_KVM_EVENT("not-kvm-event", "a trace record of another tracepoint system (tracing_mark_write, kprobes, ...)"),
    TRUNCATED("truncated", "a KVM record cut off before its event name or payload"),
    MALFORMED_KVM_EVENT("malformed-kvm-event", "a KVM tracepoint whose text matches none of its known print formats"),
    ANNOTATION("annotation", "text that is not trace output: prose, titles, separators, ellipses");

    private final String code;
    private final String description;

    RefusalReason(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The stable, machine-readable code carried on the dead-letter topic. */
    public String code() {
        return code;
    }

    public String description() {
        return description;
    }
}
