package io.smtreplay.ingest.parse;

import java.util.Arrays;

/**
 * A small map from byte strings to values, looked up by a slice of a buffer without making a key
 * object: field names, tracepoint names, comms and reason names are matched as bytes on the hot
 * path. Open addressing; it stops taking new keys at {@code capacity} (a cache over hostile input
 * stays bounded, lookups of what it holds still work).
 */
final class ByteKeyMap<V> {
    private final int capacity;
    private byte[][] keys;
    private Object[] values;
    private int size;

    ByteKeyMap(int capacity) {
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(8, Math.min(capacity, 64)) * 2 - 1) * 2;
        keys = new byte[slots][];
        values = new Object[slots];
    }

    /** The value of {@code buf[from, to)}, or null. */
    @SuppressWarnings("unchecked")
    V get(byte[] buf, int from, int to) {
        int mask = keys.length - 1;
        for (int slot = hash(buf, from, to) & mask; ; slot = (slot + 1) & mask) {
            byte[] k = keys[slot];
            if (k == null) {
                return null;
            }
            if (k.length == to - from && sameBytes(k, buf, from)) {
                return (V) values[slot];
            }
        }
    }

    /** Adds a key (copied) unless the map is full; returns whether it was added. */
    boolean put(byte[] buf, int from, int to, V value) {
        if (size >= capacity) {
            return false;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int slot = hash(buf, from, to) & mask;
        while (keys[slot] != null) {
            if (keys[slot].length == to - from && sameBytes(keys[slot], buf, from)) {
                values[slot] = value;
                return true;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = Arrays.copyOfRange(buf, from, to);
        values[slot] = value;
        size++;
        return true;
    }

    void put(String asciiKey, V value) {
        byte[] k = asciiKey.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        put(k, 0, k.length, value);
    }

    private void grow() {
        byte[][] oldKeys = keys;
        Object[] oldValues = values;
        keys = new byte[oldKeys.length * 2][];
        values = new Object[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            byte[] k = oldKeys[i];
            if (k != null) {
                int slot = hash(k, 0, k.length) & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = k;
                values[slot] = oldValues[i];
            }
        }
    }

    /**
     * Whether {@code buf} holds {@code key} at {@code from}. A plain loop: keys are names of a few
     * to a few dozen bytes, for which {@code Arrays.equals} over ranges (bounds checks, then a
     * vectorized mismatch call) was the largest single item of a warm stat profile.
     */
    private static boolean sameBytes(byte[] key, byte[] buf, int from) {
        for (int i = 0; i < key.length; i++) {
            if (key[i] != buf[from + i]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(byte[] buf, int from, int to) {
        int h = to - from;
        for (int i = from; i < to; i++) {
            h = 31 * h + buf[i];
        }
        return h ^ (h >>> 16);
    }
}
