package io.smtreplay.ingest.ftrace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Sequential reads of trace.dat metadata held in memory, in the file's byte order. Every read is
 * bounds-checked: a value cut by the end of the data is a {@link CorruptTraceException} naming the
 * byte in the file where it starts ({@code fileOffset} + position; for a decompressed section the
 * section's own offset, as its bytes have no place in the file).
 */
final class MetaReader {
    private final ByteBuffer data;
    private final long fileOffset;
    private final boolean positionsAreFileOffsets;
    private final String what;

    MetaReader(ByteBuffer data, ByteOrder order, long fileOffset, boolean positionsAreFileOffsets, String what) {
        this.data = data.order(order);
        this.fileOffset = fileOffset;
        this.positionsAreFileOffsets = positionsAreFileOffsets;
        this.what = what;
    }

    long offset() {
        return positionsAreFileOffsets ? fileOffset + data.position() : fileOffset;
    }

    int remaining() {
        return data.remaining();
    }

    private void need(int n) throws CorruptTraceException {
        if (data.remaining() < n) {
            throw new CorruptTraceException(what + " cut short: " + n + " bytes needed, " + data.remaining() + " left", offset());
        }
    }

    int u16() throws CorruptTraceException {
        need(2);
        return data.getShort() & 0xffff;
    }

    long u32() throws CorruptTraceException {
        need(4);
        return data.getInt() & 0xffff_ffffL;
    }

    long u64() throws CorruptTraceException {
        need(8);
        return data.getLong();
    }

    /** A count or size that must fit an int and what is left. */
    int length(long value, String of) throws CorruptTraceException {
        if (value < 0 || value > data.remaining()) {
            throw new CorruptTraceException(what + ": " + of + " of " + value + " bytes, only " + data.remaining() + " left",
                    offset());
        }
        return (int) value;
    }

    String cstring() throws CorruptTraceException {
        int start = data.position();
        for (int i = start; i < data.limit(); i++) {
            if (data.get(i) == 0) {
                byte[] b = new byte[i - start];
                data.get(b);
                data.get();
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        throw new CorruptTraceException(what + ": string without its terminating NUL", offset());
    }

    String text(int n) throws CorruptTraceException {
        need(n);
        byte[] b = new byte[n];
        data.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    ByteBuffer slice(int n) throws CorruptTraceException {
        need(n);
        ByteBuffer s = data.slice(data.position(), n).order(data.order());
        data.position(data.position() + n);
        return s;
    }

    void skip(int n) throws CorruptTraceException {
        need(n);
        data.position(data.position() + n);
    }
}
