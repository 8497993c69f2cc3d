package io.smtreplay.ingest.parse;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a trace file (plain or gzip, or standard input as {@code -}) line by line, streaming:
 * memory does not grow with the file. Bytes that are not UTF-8 are replaced, never fatal.
 */
public final class TraceFileReader {

    private static final int BUFFER = 1 << 16;

    private TraceFileReader() {
    }

    public static ReadSummary read(String pathOrDash, TraceRecordSink sink) throws IOException {
        if (pathOrDash.equals("-")) {
            return read("-", System.in, sink);
        }
        try (InputStream in = Files.newInputStream(Path.of(pathOrDash))) {
            return read(pathOrDash, in, sink);
        }
    }

    /** Reads {@code in} to its end (not closing it); gzip is recognised by its magic bytes. */
    public static ReadSummary read(String sourceName, InputStream in, TraceRecordSink sink) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(decompressed(in),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)), BUFFER);
        TraceParser parser = new TraceParser(sourceName, sink);
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            parser.accept(line);
        }
        return parser.finish();
    }

    private static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(buffered, BUFFER);
        }
        return buffered;
    }
}
