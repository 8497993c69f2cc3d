package io.smtreplay.schemas;

import java.nio.charset.StandardCharsets;

/**
 * Avro's binary encoding of the primitives a batch is made of (zigzag varints, length-prefixed
 * UTF-8, one-byte booleans), written into one reused buffer: what {@code BinaryEncoder} writes,
 * without a stream and an encoder object in between.
 */
final class AvroBytes extends ByteBuilder {

    AvroBytes() {
        super(8192);
    }

    /** An Avro int or long: zigzag, then 7 bits a byte (an int's encoding equals its long's). */
    void varint(long v) {
        room(10);
        put(v);
    }

    /** A column of longs: one bounds check for the column, not one per value. */
    void varints(long[] column, int count) {
        room(10 * count);
        for (int i = 0; i < count; i++) {
            put(column[i]);
        }
    }

    void varints(int[] column, int count) {
        room(5 * count);
        for (int i = 0; i < count; i++) {
            put(column[i]);
        }
    }

    /**
     * A column of {@code ["null", long]} unions: value i is there when bit {@code bit} of
     * {@code present[i]} is set (branch 1 and the value), else null (branch 0).
     */
    void optionalVarints(long[] column, int[] present, int bit, int count) {
        room(11 * count);
        for (int i = 0; i < count; i++) {
            if ((present[i] & bit) != 0) {
                buf[n++] = 2; // zigzag(1): the long branch
                put(column[i]);
            } else {
                buf[n++] = 0;
            }
        }
    }

    /** Each value minus the one before it (the first minus {@code base}). */
    void deltas(long[] column, int count, long base) {
        room(10 * count);
        long previous = base;
        for (int i = 0; i < count; i++) {
            put(column[i] - previous);
            previous = column[i];
        }
    }

    /** The value's varint, the room for it made sure of. */
    private void put(long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            buf[n++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        buf[n++] = (byte) z;
    }

    void bool(boolean b) {
        room(1);
        buf[n++] = (byte) (b ? 1 : 0);
    }

    void string(String s) {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                varint(utf8.length);
                raw(utf8);
                return;
            }
        }
        varint(length);
        room(length);
        s.getBytes(0, length, buf, n); // ASCII: one byte a char, as UTF-8 has it
        n += length;
    }
}
