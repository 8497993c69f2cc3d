package io.smtreplay.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable, growing byte buffer that encoders write into directly (no stream, no per-write
 * object): the Avro bytes of a batch ({@link AvroBytes}) and the payload text of a binary event
 * are both built this way. Not thread-safe.
 */
public class ByteBuilder {
    protected byte[] buf;
    protected int n;

    protected ByteBuilder(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    public final void reset() {
        n = 0;
    }

    /** Makes sure {@code more} bytes fit after the current end. */
    protected final void room(int more) {
        if (n + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

    /** Appends {@code bytes} as they are. */
    public final void raw(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buf, n, bytes.length);
        n += bytes.length;
    }

    public final byte[] toByteArray() {
        return Arrays.copyOf(buf, n);
    }

    /** The bytes as text, one char a byte (ASCII and Latin-1 text: one copy). */
    public final String toLatin1String() {
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }
}
