package io.smtreplay.ingest.parse;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a trace file (plain or gzip, or {@code -} for standard input) line by line, streaming,
 * and hands every event and every refused line to a sink.
 */
public final class TraceFileReader {

    private TraceFileReader() {
    }

    public static ReadSummary read(String pathOrDash, TraceRecordSink sink) throws IOException {
        if ("-".equals(pathOrDash)) {
            return read("-", System.in, sink);
        }
        try (InputStream in = Files.newInputStream(Path.of(pathOrDash))) {
            return read(pathOrDash, in, sink);
        }
    }

    /** Reads {@code in} (not closed here); gzip is recognized by its magic bytes. */
    public static ReadSummary read(String sourceName, InputStream in, TraceRecordSink sink) throws IOException {
        InputStream data = maybeGunzip(in);
        throw new UnsupportedOperationException("not yet");
    }

    static InputStream maybeGunzip(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(buffered, 1 << 16);
        }
        return buffered;
    }
}
