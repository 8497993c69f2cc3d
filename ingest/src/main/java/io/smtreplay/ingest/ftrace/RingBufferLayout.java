package io.smtreplay.ingest.ftrace;

import java.nio.ByteOrder;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the kernel that wrote the pages lays out a ring-buffer sub-buffer, read from its
 * {@code events/header_page} and {@code events/header_event} files.
 *
 * <p>header_page: {@code u64 timestamp} (the page's base time), {@code local_t commit} (data
 * length in the low bits, {@link #MISSED_EVENTS} and {@link #MISSED_STORED} above; its size is
 * the kernel's long), {@code char data} (the events; its size gives the sub-buffer size, more than
 * 4 KiB when {@code buffer_subbuf_size_kb} was raised). header_event: the 32-bit event header
 * {@code type_len:5, time_delta:27} and the type_len values of padding, time extend and absolute
 * time stamp.
 *
 * @param order            the byte order of the kernel (trace.dat says it; live it is the machine's)
 * @param timestampOffset  where the page's u64 timestamp sits
 * @param commitOffset     where {@code commit} sits
 * @param commitSize       its size: 8 on 64-bit kernels, 4 on 32-bit
 * @param dataOffset       where the events start
 * @param dataSize         bytes of event data a sub-buffer can hold
 * @param timeDeltaBits    bits of time_delta in the event header (27)
 * @param typePadding      type_len of padding (29)
 * @param typeTimeExtend   type_len of a time extend (30)
 * @param typeTimeStamp    type_len of an absolute time stamp (31)
 * @param dataMaxTypeLen   largest type_len of a data record whose length is type_len × 4 (28)
 */
public record RingBufferLayout(ByteOrder order, int timestampOffset, int commitOffset, int commitSize, int dataOffset,
                               int dataSize, int timeDeltaBits, int typePadding, int typeTimeExtend, int typeTimeStamp,
                               int dataMaxTypeLen) {

    /** commit bit: events were lost between the previous page and this one. */
    public static final long MISSED_EVENTS = 1L << 31;
    /** commit bit: the number lost is stored as a long right after the data. */
    public static final long MISSED_STORED = 1L << 30;
    /** commit bits holding the data length (libtraceevent's kbuffer reads 27 bits; sub-buffers are at most 1 MiB). */
    public static final long COMMIT_LENGTH_MASK = (1L << 27) - 1;

    /** The bytes of one sub-buffer: header plus data. */
    public int subBufferSize() {
        return dataOffset + dataSize;
    }

    public static RingBufferLayout parse(String headerPage, String headerEvent, ByteOrder order) throws CorruptTraceException {
        List<FieldLayout> fields = EventFormat.parseFields(headerPage, "header_page");
        FieldLayout timestamp = find(fields, "timestamp");
        FieldLayout commit = find(fields, "commit");
        FieldLayout data = find(fields, "data");
        if (timestamp.size() != 8 || (commit.size() != 4 && commit.size() != 8) || data.size() <= 0) {
            throw new CorruptTraceException("header_page: unexpected sizes (timestamp " + timestamp.size() + ", commit "
                    + commit.size() + ", data " + data.size() + ")", -1);
        }
        int typeBits = bits(headerEvent, "type_len", 5);
        int deltaBits = bits(headerEvent, "time_delta", 27);
        if (typeBits != 5 || typeBits + deltaBits != 32) {
            throw new CorruptTraceException("header_event: an event header of type_len " + typeBits + " bits and time_delta "
                    + deltaBits + " bits is not the 32-bit header this reader knows", -1);
        }
        return new RingBufferLayout(order, timestamp.offset(), commit.offset(), commit.size(), data.offset(), data.size(),
                deltaBits, type(headerEvent, "padding", 29), type(headerEvent, "time_extend", 30),
                type(headerEvent, "time_stamp", 31), type(headerEvent, "data max type_len", 28));
    }

    /** The same layout for sub-buffers of {@code subBufferSize} bytes (trace.dat states the size per buffer). */
    public RingBufferLayout withSubBufferSize(int subBufferSize) {
        return new RingBufferLayout(order, timestampOffset, commitOffset, commitSize, dataOffset, subBufferSize - dataOffset,
                timeDeltaBits, typePadding, typeTimeExtend, typeTimeStamp, dataMaxTypeLen);
    }

    private static FieldLayout find(List<FieldLayout> fields, String name) throws CorruptTraceException {
        for (FieldLayout f : fields) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new CorruptTraceException("header_page has no field " + name, -1);
    }

    private static int bits(String text, String name, int absent) {
        Matcher m = Pattern.compile(Pattern.quote(name) + "\\s*:\\s*(\\d+)\\s*bits").matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : absent;
    }

    private static int type(String text, String name, int absent) {
        Matcher m = Pattern.compile(Pattern.quote(name) + "\\s*:?\\s*(?:type)?\\s*==\\s*(\\d+)").matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : absent;
    }
}
