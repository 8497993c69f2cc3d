package io.smtreplay.cli;

import io.smtreplay.trace.RefusalReason;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.smtreplay.trace.RefusedLine;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The refused lines of an offline command ({@code stat}, {@code project}), kept in a file: one
 * JSON object per line (JSON Lines), in file order, {@code {"source", "line", "reason", "detail",
 * "text"}} with {@code line} counted from 1, {@code reason} a {@code RefusalReason} code and
 * {@code text} the raw line. Gzip when the name ends in {@code .gz}. Written as the lines come,
 * never held in memory. The one home of this format; {@link #NONE} keeps nothing.
 */
final class RejectsFile implements Closeable {

    /** Keeps nothing: for commands run without {@code --rejects}. */
    static final RejectsFile NONE = new RejectsFile(null, null);

    private static final JsonFactory JSON = new JsonFactory();

    private final Path path;
    private final JsonGenerator json;
    private long written;

    private RejectsFile(Path path, JsonGenerator json) {
        this.path = path;
        this.json = json;
    }

    /**
     * Creates (or truncates) {@code path}, before any input is read. {@code inputs} are the
     * command's trace files: the rejects file may not be one of them (it would be emptied).
     */
    static RejectsFile create(Path path, List<String> inputs) throws CannotCreate {
        for (String input : inputs) {
            if (!input.equals("-") && sameFile(path, Path.of(input))) {
                throw new CannotCreate(path, "it is also an input file");
            }
        }
        OutputStream out = null;
        try {
            out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            if (path.getFileName() != null && path.getFileName().toString().endsWith(".gz")) {
                out = new GZIPOutputStream(out, 1 << 16);
            }
            JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8);
            json.setRootValueSeparator(null);
            return new RejectsFile(path, json);
        } catch (IOException e) {
            closeQuietly(out);
            throw new CannotCreate(path, CliSupport.ioReason(e));
        }
    }

    /** Appends one refused line. */
    void write(RefusedLine line) {
        if (json == null) {
            return;
        }
        try {
            json.writeStartObject();
            json.writeStringField("source", line.source());
            json.writeNumberField("line", line.lineNumber());
            json.writeStringField("reason", line.reason().code());
            json.writeStringField("detail", line.detail());
            json.writeStringField("text", line.text());
            json.writeEndObject();
            json.writeRaw('\n');
            written++;
        } catch (IOException e) {
            throw new CannotWrite(cannotWrite(e));
        }
    }

    /** Where the lines go; null for {@link #NONE}. */
    Path path() {
        return path;
    }

    /** The summary line of the commands: {@code rejects: N line(s) written to FILE}; null for {@link #NONE}. */
    String summary() {
        return path == null ? null : "rejects: " + written + " line(s) written to " + path;
    }

    /** Flushes and closes the file (and finishes the gzip stream). */
    @Override
    public void close() throws IOException {
        if (json != null) {
            try {
                json.close();
            } catch (IOException e) {
                throw cannotWrite(e);
            }
        }
    }

    private IOException cannotWrite(IOException e) {
        return new IOException("cannot write rejects file " + path + ": " + CliSupport.ioReason(e), e);
    }

    /** The rejects file cannot be created; the message is one line for the user. */
    static final class CannotCreate extends IOException {
        CannotCreate(Path path, String why) {
            super("cannot create rejects file " + path + ": " + why);
        }
    }

    /** Writing a refused line failed (from inside a {@code TraceRecordSink}, hence unchecked). */
    static final class CannotWrite extends UncheckedIOException {
        CannotWrite(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false; // one of them does not exist (yet): they are not one file
        }
    }

    private static void closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the creation error is the one reported
            }
        }
    }
}
