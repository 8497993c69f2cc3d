package io.smtreplay.ingest.parse;

import java.io.IOException;

/**
 * An input failed part way (a truncated gzip, a read error): every line before the failure was
 * read and handed to the sink, and {@link #summary()} counts them (the cut last line refused as
 * {@code truncated}). The message is the cause's.
 */
public final class PartialReadException extends IOException {
    private final transient ReadSummary summary;

    PartialReadException(ReadSummary summary, IOException cause) {
        super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        this.summary = summary;
    }

    /** What was read before the failure. */
    public ReadSummary summary() {
        return summary;
    }
}
