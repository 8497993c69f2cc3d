package io.smtreplay.ingest.ftrace;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The records of one ring-buffer sub-buffer, as {@link PageDecoder} found them: for each data
 * record its time and where its bytes are in {@link #buffer()}; and whether the kernel lost events
 * before this page. Reused page after page (no allocation per record); valid until the next decode.
 */
public final class DecodedPage {
    /** {@link #lostEvents()} when the page says events were lost but not how many. */
    public static final long LOST_UNKNOWN = -1;

    ByteBuffer buffer;
    int pageStart;
    long pageTimestamp;
    int dataLength;
    boolean missedEvents;
    long lostEvents;
    int count;
    long[] timestamps = new long[256];
    int[] offsets = new int[256];
    int[] lengths = new int[256];

    void reset(ByteBuffer buffer, int pageStart) {
        this.buffer = buffer;
        this.pageStart = pageStart;
        this.count = 0;
        this.missedEvents = false;
        this.lostEvents = 0;
    }

    void add(long timestamp, int offset, int length) {
        if (count == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, count * 2);
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        timestamps[count] = timestamp;
        offsets[count] = offset;
        lengths[count] = length;
        count++;
    }

    /** The buffer holding the page; record offsets index into it. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Where the page starts in {@link #buffer()}. */
    public int pageStart() {
        return pageStart;
    }

    /** The page header's timestamp, in the trace clock's units (ns for the default clocks). */
    public long pageTimestamp() {
        return pageTimestamp;
    }

    /** Bytes of event data the page's commit field declares. */
    public int dataLength() {
        return dataLength;
    }

    /** Data records on the page (padding and time records are not counted). */
    public int recordCount() {
        return count;
    }

    /** The absolute time of record {@code i}. */
    public long timestamp(int i) {
        return timestamps[i];
    }

    /** Where record {@code i}'s data ({@code common_type} first) starts in {@link #buffer()}. */
    public int recordOffset(int i) {
        return offsets[i];
    }

    /** Bytes of record {@code i}'s data (a multiple of 4 for short records: the kernel's padding included). */
    public int recordLength(int i) {
        return lengths[i];
    }

    /** Whether the kernel dropped events between the previous page of this CPU and this one. */
    public boolean missedEvents() {
        return missedEvents;
    }

    /** How many, when {@link #missedEvents()}: the count the kernel stored, or {@link #LOST_UNKNOWN}. */
    public long lostEvents() {
        return lostEvents;
    }
}
