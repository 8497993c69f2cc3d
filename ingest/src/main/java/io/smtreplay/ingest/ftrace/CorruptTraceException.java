package io.smtreplay.ingest.ftrace;

import java.io.IOException;

/**
 * Binary trace data that does not follow its own format: a format file that does not parse, a
 * trace.dat header or section that is cut or inconsistent, a ring-buffer page whose lengths run
 * past its end. {@link #offset()} is the byte where it was found (in the file, or in the page for
 * a page decoded alone), -1 when the fault has no position. The message is one line for users.
 */
public class CorruptTraceException extends IOException {
    private final long offset;

    public CorruptTraceException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
