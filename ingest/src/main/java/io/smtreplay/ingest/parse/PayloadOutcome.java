package io.smtreplay.ingest.parse;

/** How a payload matched its tracepoint's print formats. */
record PayloadOutcome(Status status, String detail) {

    enum Status {
        /** Matches a known format completely. */
        PARSED,
        /** A prefix of a known format: a wrapped line may complete it. */
        INCOMPLETE,
        /** Matches no known format. */
        MALFORMED
    }

    static final PayloadOutcome PARSED = new PayloadOutcome(Status.PARSED, null);

    static PayloadOutcome incomplete(String detail) {
        return new PayloadOutcome(Status.INCOMPLETE, detail);
    }

    static PayloadOutcome malformed(String detail) {
        return new PayloadOutcome(Status.MALFORMED, detail);
    }

    boolean parsed() {
        return status == Status.PARSED;
    }
}
