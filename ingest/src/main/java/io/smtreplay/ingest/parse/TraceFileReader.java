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
 * Reads a trace file (plain or gzip, or {@code -} for standard input) line by line, streaming (a
 * file is never held in memory whole), and hands every event and every refused line to a sink,
 * in file order. The format is detected per file, per line: each line's prefix says which tool
 * printed it (see {@link TraceLineParser}).
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

    /** Reads {@code in} (not closed here); gzip is recognized by its magic bytes, whatever the name. */
    public static ReadSummary read(String sourceName, InputStream in, TraceRecordSink sink) throws IOException {
        InputStream data = maybeGunzip(in);
        // undecodable bytes become U+FFFD: the line is still counted and refused or parsed, never lost
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        BufferedReader reader = new BufferedReader(new InputStreamReader(data, decoder), 1 << 16);
        TraceLineParser parser = new TraceLineParser(sourceName, sink);
        String line;
        while ((line = reader.readLine()) != null) {
            parser.accept(line);
        }
        return parser.finish();
    }

    static InputStream maybeGunzip(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
        }
        return buffered;
    }
}
