package io.smtreplay.ingest.ftrace;

import java.nio.ByteBuffer;

/**
 * Walks the events of one ring-buffer sub-buffer (a page of {@code trace_pipe_raw}, or of a
 * trace.dat CPU section) under the {@link RingBufferLayout} of the kernel that wrote it.
 *
 * <p>Event header (32 bits, the kernel's byte order): {@code type_len} in the low 5 bits,
 * {@code time_delta} above. type_len 1..28: a data record of type_len × 4 bytes follows;
 * 0: the next word is the length + 4, data after it; 29: padding (time_delta 0: the rest of the page
 * is empty; else the next word is the padding's length); 30: a time extend, delta = word << 27 +
 * time_delta; 31: an absolute time stamp. Times accumulate from the page header's timestamp.
 */
public final class PageDecoder {
    private static final long ABSOLUTE_MASK = (1L << 59) - 1;

    private final RingBufferLayout layout;

    public PageDecoder(RingBufferLayout layout) {
        this.layout = layout;
    }

    public RingBufferLayout layout() {
        return layout;
    }

    /**
     * Decodes the sub-buffer starting at {@code pageStart} of {@code buffer} (whose byte order is
     * set to the layout's here) into {@code out}. The records before a fault stay in {@code out}.
     *
     * @throws CorruptTraceException when the commit length or a record runs past the sub-buffer;
     *                               its offset is the faulty byte's index in {@code buffer}
     */
    public void decode(ByteBuffer buffer, int pageStart, DecodedPage out) throws CorruptTraceException {
        buffer.order(layout.order());
        out.reset(buffer, pageStart);
        if (pageStart < 0 || pageStart + layout.dataOffset() > buffer.limit()) {
            throw new CorruptTraceException("page header cut short", pageStart);
        }
        long ts = buffer.getLong(pageStart + layout.timestampOffset());
        long commit = layout.commitSize() == 8 ? buffer.getLong(pageStart + layout.commitOffset())
                : buffer.getInt(pageStart + layout.commitOffset()) & 0xffff_ffffL;
        int length = (int) (commit & RingBufferLayout.COMMIT_LENGTH_MASK);
        out.pageTimestamp = ts;
        out.dataLength = length;
        int data = pageStart + layout.dataOffset();
        int end = data + length;
        if (length > layout.dataSize() || end > buffer.limit()) {
            throw new CorruptTraceException("page commit length " + length + " exceeds its " + layout.dataSize()
                    + " bytes of data", pageStart + layout.commitOffset());
        }
        if ((commit & RingBufferLayout.MISSED_EVENTS) != 0) {
            out.missedEvents = true;
            out.lostEvents = DecodedPage.LOST_UNKNOWN;
            if ((commit & RingBufferLayout.MISSED_STORED) != 0 && end + layout.commitSize() <= data + layout.dataSize()) {
                out.lostEvents = layout.commitSize() == 8 ? buffer.getLong(end) : buffer.getInt(end) & 0xffff_ffffL;
            }
        }
        // the bitfield {type_len:5, time_delta:27} packs from the low bits on little-endian kernels, from the high on big
        boolean bigEndian = layout.order() == java.nio.ByteOrder.BIG_ENDIAN;
        int deltaMask = (1 << layout.timeDeltaBits()) - 1;
        int pos = data;
        while (pos < end) {
            if (pos + 4 > end) {
                throw new CorruptTraceException("event header cut by the page's end", pos);
            }
            int header = buffer.getInt(pos);
            int typeLen = bigEndian ? header >>> layout.timeDeltaBits() : header & 0x1f;
            long delta = bigEndian ? header & deltaMask : (header >>> 5) & deltaMask;
            if (typeLen == layout.typePadding()) {
                if (delta == 0) {
                    break; // a null event: nothing more on this page
                }
                int padding = word(buffer, pos + 4, end);
                pos = advance(pos, 4L + padding, end);
            } else if (typeLen == layout.typeTimeExtend()) {
                ts += ((long) word(buffer, pos + 4, end) << layout.timeDeltaBits()) + delta;
                pos = advance(pos, 8, end);
            } else if (typeLen == layout.typeTimeStamp()) {
                long absolute = (((long) word(buffer, pos + 4, end) & 0xffff_ffffL) << layout.timeDeltaBits()) + delta;
                ts = (ts & ~ABSOLUTE_MASK) | (absolute & ABSOLUTE_MASK);
                pos = advance(pos, 8, end);
            } else if (typeLen == 0) {
                long size = (word(buffer, pos + 4, end) & 0xffff_ffffL) - 4;
                if (size < 0) {
                    throw new CorruptTraceException("event length below its own length word", pos + 4);
                }
                ts += delta;
                long aligned = (size + 3) & ~3L;
                int next = advance(pos, 8 + aligned, end);
                out.add(ts, pos + 8, (int) size);
                pos = next;
            } else if (typeLen <= layout.dataMaxTypeLen()) {
                ts += delta;
                int next = advance(pos, 4L + typeLen * 4L, end);
                out.add(ts, pos + 4, typeLen * 4);
                pos = next;
            } else {
                throw new CorruptTraceException("event header of unknown type_len " + typeLen, pos);
            }
        }
    }

    private static int word(ByteBuffer buffer, int at, int end) throws CorruptTraceException {
        if (at + 4 > end) {
            throw new CorruptTraceException("event cut by the page's end", at);
        }
        return buffer.getInt(at);
    }

    private static int advance(int pos, long bytes, int end) throws CorruptTraceException {
        long next = pos + bytes;
        if (next > end) {
            throw new CorruptTraceException("event of " + bytes + " bytes runs past the page's data", pos);
        }
        return (int) next;
    }
}
