package io.smtreplay.ingest.parse;

import io.smtreplay.ingest.ftrace.TraceDatFile;
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
 * printed it (see {@link TraceLineParser}). A trace-cmd {@code trace.dat} is recognized by its
 * magic bytes, whatever its name, and decoded from its ring-buffer pages
 * ({@link io.smtreplay.ingest.ftrace.TraceDatFile}); from a stream it is first copied to a
 * temporary file, as its sections are found by offset.
 */
public final class TraceFileReader {

    private TraceFileReader() {
    }

    public static ReadSummary read(String pathOrDash, TraceRecordSink sink) throws IOException {
        if ("-".equals(pathOrDash)) {
            return read("-", System.in, sink);
        }
        Path path = Path.of(pathOrDash);
        if (isTraceDat(path)) {
            return readTraceDat(pathOrDash, path, sink);
        }
        try (InputStream in = Files.newInputStream(path)) {
            return read(pathOrDash, in, sink);
        }
    }

    /**
     * Reads {@code in} (not closed here); gzip and trace.dat are recognized by their magic bytes,
     * whatever the name (also a gzipped trace.dat).
     */
    public static ReadSummary read(String sourceName, InputStream in, TraceRecordSink sink) throws IOException {
        InputStream data = maybeGunzip(in);
        if (startsWithTraceDatMagic(data)) {
            Path copy = Files.createTempFile("smtreplay-trace", ".dat");
            try {
                Files.copy(data, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return readTraceDat(sourceName, copy, sink);
            } finally {
                Files.deleteIfExists(copy);
            }
        }
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

    private static ReadSummary readTraceDat(String sourceName, Path path, TraceRecordSink sink) throws IOException {
        try (TraceDatFile file = TraceDatFile.open(path)) {
            return file.read(sourceName, sink);
        }
    }

    private static boolean isTraceDat(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(TraceDatFile.magicLength());
            return TraceDatFile.hasMagic(head, head.length);
        }
    }

    private static boolean startsWithTraceDatMagic(InputStream buffered) throws IOException {
        buffered.mark(TraceDatFile.magicLength());
        byte[] head = buffered.readNBytes(TraceDatFile.magicLength());
        buffered.reset();
        return TraceDatFile.hasMagic(head, head.length);
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
