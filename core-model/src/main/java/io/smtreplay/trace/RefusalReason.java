package io.smtreplay.trace;

/**
 * Why a line of a trace file, or a message on the wire, is not an event: the one refusal
 * vocabulary of the parsers, the job's decoder and replay, the dead-letter topic and the metric
 * contract. Every line read is either an event or refused with one of these, so nothing is lost
 * silently; {@link #code()} is what the dead-letter topic, the metrics and {@code stat --json}
 * carry, {@link #stage()} where it was refused. Reasons without a stage are the parser's.
 */
public enum RefusalReason {
    BLANK("blank", "empty or whitespace-only line"),
    FTRACE_HEADER("ftrace-header", "the header of a raw ftrace file (# lines) or of trace-cmd report (cpus=N)"),
    SEPARATOR("separator", "a separator line (----, ====, ...)"),
    ANNOTATION("annotation", "prose or an author's note, not a trace record"),
    TABLE("table", "a row of a table (perf kvm stat, kvm_stat, perf stat counts, histograms)"),
    COMMAND("command", "a shell prompt or command line"),
    NOT_KVM_EVENT("not-kvm-event", "a trace record of another system (not kvm or kvmmmu, nor a sched wake-up or switch)"),
    TRUNCATED("truncated", "a kvm or scheduler record cut short: no payload, or a payload missing its fields"),
    MALFORMED_KVM_EVENT("malformed-kvm-event", "a kvm or scheduler record whose fields do not parse (the code keeps its first name)"),
    UNRECOGNIZED("unrecognized", "text in no known trace format"),
    /** A record whose timestamp is 2^63 ns or more: no nanosecond clock value holds it. */
    OUT_OF_RANGE("out-of-range", "a record whose timestamp is beyond 2^63 ns (about 292 years)"),
    /**
     * The tracer's own mark of a ring-buffer overrun ({@code CPU:3 [LOST 1234 EVENTS]}). Not an
     * event, so refused and kept like any other line, but also reported to
     * {@link TraceRecordSink#onEventsLost}: episodes open on that CPU are no longer whole.
     */
    EVENTS_LOST("events-lost", "the tracer's mark of a ring-buffer overrun: events are missing here"),

    /** A message that is not a wire record of a known schema (corrupt, or another producer's). */
    UNDECODABLE(RefusalStage.DECODE, "undecodable", "a message that is not an ExitEvent of a known schema"),
    /** A Kafka record without a value (a tombstone). */
    NO_VALUE(RefusalStage.DECODE, "no-value", "a record without a value (tombstone)"),
    /** Event time needs a timestamp. */
    NO_TIMESTAMP(RefusalStage.REPLAY, "no-timestamp", "an event without a timestamp: event time needs one"),
    /** Episodes are per vCPU thread. */
    NO_THREAD(RefusalStage.REPLAY, "no-thread", "an event without a vCPU thread id"),
    /** Behind the watermark: the replay of its vCPU has moved past its time. */
    LATE(RefusalStage.REPLAY, "late", "an event behind the watermark, arrived after its vCPU was replayed past it");

    private final RefusalStage stage;
    private final String code;
    private final String description;

    RefusalReason(String code, String description) {
        this(RefusalStage.PARSE, code, description);
    }

    RefusalReason(RefusalStage stage, String code, String description) {
        this.stage = stage;
        this.code = code;
        this.description = description;
    }

    public RefusalStage stage() {
        return stage;
    }

    /** Machine-readable kebab-case code, e.g. {@code not-kvm-event}. */
    public String code() {
        return code;
    }

    public String description() {
        return description;
    }

    public static RefusalReason ofCode(String code) {
        for (RefusalReason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown refusal reason '" + code + "'");
    }
}
