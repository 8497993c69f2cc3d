package io.smtreplay.ingest.parse;

import io.smtreplay.ingest.ftrace.TraceDatFile;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.GZIPInputStream;

/**
 * Reads a trace file (plain or gzip, or {@code -} for standard input) line by line, streaming (a
 * file is never held in memory whole), and hands every event and every refused line to a sink,
 * in file order. The format is detected per file, per line: each line's prefix says which tool
 * printed it (see {@link TraceLineParser}). A trace-cmd {@code trace.dat} is recognized by its
 * magic bytes, whatever its name, and decoded from its ring-buffer pages
 * ({@link io.smtreplay.ingest.ftrace.TraceDatFile}); from a stream it is first copied to a
 * temporary file, as its sections are found by offset.
 *
 * <p>Lines are split in the read buffer, as {@code BufferedReader.readLine} splits them ({@code \n},
 * {@code \r\n} or a lone {@code \r}), and handed over as byte ranges: no String per line. A line
 * may have at most {@link #MAX_LINE_BYTES} bytes; a longer one is refused as {@code truncated}
 * (its first bytes kept as its text) and reading goes on, so memory stays bounded whatever the
 * input. Pipes and named pipes are read without seeking. An input that fails part way (a truncated
 * gzip) gives its lines up to the failure, then {@link PartialReadException} with their summary.
 */
public final class TraceFileReader {
    /** The longest line read whole (64 KiB; a trace record has a few hundred bytes). */
    public static final int MAX_LINE_BYTES = 1 << 16;
    private static final int BUFFER_BYTES = 2 * MAX_LINE_BYTES;

    private TraceFileReader() {
    }

    public static ReadSummary read(String pathOrDash, TraceRecordSink sink) throws IOException {
        if ("-".equals(pathOrDash)) {
            return read("-", StandardInput.open(), sink);
        }
        Path path = Path.of(pathOrDash);
        // a regular trace.dat is read in place (its sections are found by offset); anything else streams
        if (Files.isRegularFile(path) && isTraceDat(path)) {
            return readTraceDat(pathOrDash, path, sink);
        }
        try (InputStream in = open(path)) {
            return read(pathOrDash, in, sink);
        }
    }

    /**
     * Opens a file to read once, front to back: a regular file (or a folder, which fails on read)
     * through NIO; anything else (a pipe, {@code <(zcat x.gz)}, a named pipe, a device) through
     * {@link FileInputStream}, which never seeks. A missing file fails as NIO says it
     * ({@code NoSuchFileException}).
     */
    public static InputStream open(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (attributes.isRegularFile() || attributes.isDirectory()) {
            return Files.newInputStream(path);
        }
        return new FileInputStream(path.toFile());
    }

    /**
     * Reads {@code in} (not closed here); gzip and trace.dat are recognized by their magic bytes,
     * whatever the name (also a gzipped trace.dat).
     */
    public static ReadSummary read(String sourceName, InputStream in, TraceRecordSink sink) throws IOException {
        PushbackInputStream data = new PushbackInputStream(maybeGunzip(in), TraceDatFile.magicLength());
        byte[] head = data.readNBytes(TraceDatFile.magicLength());
        data.unread(head);
        if (TraceDatFile.hasMagic(head, head.length)) {
            Path copy = Files.createTempFile("smtreplay-trace", ".dat");
            try {
                Files.copy(data, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return readTraceDat(sourceName, copy, sink);
            } finally {
                Files.deleteIfExists(copy);
            }
        }
        TraceLineParser parser = new TraceLineParser(sourceName, sink);
        LineSplitter lines = new LineSplitter(parser);
        try {
            lines.readAll(data);
        } catch (IOException e) {
            lines.cutAtError();
            throw new PartialReadException(parser.finish(), e);
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

    /** Splits the stream into lines in one buffer and feeds them to the parser as byte ranges. */
    private static final class LineSplitter {
        private final TraceLineParser parser;
        private final byte[] buf = new byte[BUFFER_BYTES];
        private int start;
        private int end;
        /** A {@code \r} ended the last line at the end of the buffer: a {@code \n} first in the next read belongs to it. */
        private boolean skipLineFeed;
        /** Inside a line longer than {@link #MAX_LINE_BYTES}: its first bytes and its length so far. */
        private byte[] overlongHead;
        private long overlongLength;

        LineSplitter(TraceLineParser parser) {
            this.parser = parser;
        }

        void readAll(InputStream in) throws IOException {
            int scan = 0;
            boolean plain = true;
            while (true) {
                int i = scan;
                int n = end;
                byte[] b = buf;
                // find the line's end; note whether every byte is printable ASCII or a tab
                while (i < n) {
                    int c = b[i] & 0xFF;
                    if (c < 0x20 || c >= 0x7F) {
                        if (c == '\n' || c == '\r') {
                            break;
                        }
                        if (c != '\t') {
                            plain = false;
                        }
                    }
                    i++;
                }
                if (i < n) {
                    lineEnds(start, i, plain);
                    if (b[i] == '\r') {
                        if (i + 1 < n) {
                            if (b[i + 1] == '\n') {
                                i++;
                            }
                        } else {
                            skipLineFeed = true;
                        }
                    }
                    start = i + 1;
                    scan = start;
                    plain = true;
                    continue;
                }
                if (end - start >= MAX_LINE_BYTES) {
                    // no end in sight: keep the head, drop the rest of the line as it comes
                    if (overlongHead == null) {
                        overlongHead = java.util.Arrays.copyOfRange(buf, start, start + MAX_LINE_BYTES);
                    }
                    overlongLength += end - start;
                    start = end;
                }
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    scan = i - start;
                    start = 0;
                }
                int read = in.read(buf, end, buf.length - end);
                if (read < 0) {
                    if (end > start || overlongHead != null) {
                        lineEnds(start, end, plain);
                    }
                    return;
                }
                if (skipLineFeed && read > 0) {
                    skipLineFeed = false;
                    if (buf[end] == '\n') {
                        System.arraycopy(buf, end + 1, buf, end, read - 1);
                        read--;
                    }
                }
                end += read;
            }
        }

        private void lineEnds(int from, int to, boolean plain) {
            if (overlongHead != null) {
                parser.acceptOverlong(overlongHead, 0, overlongHead.length, overlongLength + (to - from));
                overlongHead = null;
                overlongLength = 0;
            } else {
                parser.accept(buf, from, to, plain);
            }
        }

        /** The input failed: what it gave of its last line is refused as cut. */
        void cutAtError() {
            if (overlongHead != null) {
                parser.acceptCut(overlongHead, 0, overlongHead.length);
            } else if (end > start) {
                parser.acceptCut(buf, start, end);
            }
        }
    }
}
