package io.smtreplay.trace;

/**
 * Where on its way a line or message was refused: read from a trace ({@code parse}), taken off
 * the wire ({@code decode}) or replayed by the job ({@code replay}). With {@link RefusalReason}
 * it is the dead-letter topic's {@code stage}/{@code reason} and the refusal metric's labels.
 */
public enum RefusalStage {
    PARSE("parse"),
    DECODE("decode"),
    REPLAY("replay");

    private final String code;

    RefusalStage(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
