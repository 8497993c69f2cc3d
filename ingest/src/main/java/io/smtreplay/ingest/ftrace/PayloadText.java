package io.smtreplay.ingest.ftrace;

import io.smtreplay.schemas.ByteBuilder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code name=value} payload of a binary event, written as ASCII bytes into one reused buffer:
 * building it is most of the decoding time, and a Latin-1 String is made from bytes by one copy.
 */
final class PayloadText extends ByteBuilder {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    PayloadText() {
        super(512);
    }

    void ascii(byte[] text) {
        raw(text);
    }

    void ascii(char c) {
        room(1);
        buf[n++] = (byte) c;
    }

    /** A printable byte of kernel text; others become '?'. */
    void textByte(byte c) {
        room(1);
        buf[n++] = c >= 0x20 && c < 0x7f ? c : (byte) '?';
    }

    void hex(long v) {
        room(2);
        buf[n++] = '0';
        buf[n++] = 'x';
        hexDigits(v);
    }

    /** Unsigned hex without a prefix, as printf's {@code %x}. */
    void hexDigits(long v) {
        int digits = v == 0 ? 1 : (67 - Long.numberOfLeadingZeros(v)) / 4;
        room(digits);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            buf[n++] = HEX[(int) (v >>> shift) & 0xf];
        }
    }

    void hexByte(int v) {
        room(2);
        buf[n++] = HEX[(v >> 4) & 0xf];
        buf[n++] = HEX[v & 0xf];
    }

    void decimal(long v, boolean signed) {
        if (!signed && v < 0) {
            ascii(Long.toUnsignedString(v).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        room(20);
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                ascii(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
                return;
            }
            buf[n++] = '-';
            v = -v;
        }
        int start = n;
        do {
            buf[n++] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = n - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    @Override
    public String toString() {
        return toLatin1String();
    }
}
