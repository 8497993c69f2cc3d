package io.smtreplay.ingest.ftrace;

import io.smtreplay.ingest.parse.ReadSummary;

/**
 * A trace.dat whose CPU data was cut or corrupt, thrown after every readable page was decoded and
 * delivered: {@link #summary()} is what was read, {@link #pagesRead()} and {@link #pagesLost()} say
 * how much of the file that is.
 */
public final class TruncatedTraceException extends CorruptTraceException {
    private final transient ReadSummary summary;
    private final long pagesRead;
    private final long pagesLost;

    public TruncatedTraceException(String message, long offset, ReadSummary summary, long pagesRead, long pagesLost) {
        super(message, offset);
        this.summary = summary;
        this.pagesRead = pagesRead;
        this.pagesLost = pagesLost;
    }

    public ReadSummary summary() {
        return summary;
    }

    public long pagesRead() {
        return pagesRead;
    }

    public long pagesLost() {
        return pagesLost;
    }
}
