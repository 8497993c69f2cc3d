package io.smtreplay.synth;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A byte buffer for ASCII trace lines with printf-like appenders ({@code %x}, {@code %016llx},
 * {@code %5lu}, {@code %-7d}), flushed to a stream in large blocks. {@code String.format} would
 * cost more than the rest of the synthesizer together; this keeps 10⁸ lines in minutes.
 */
final class AsciiSink {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int FLUSH_AT = 1 << 16;

    private final OutputStream out;
    private byte[] buf = new byte[FLUSH_AT + 4096];
    private int len;
    private long bytesWritten;
    private int lineStart;

    /** @param out where full blocks go; null to only count (a dry run) */
    AsciiSink(OutputStream out) {
        this.out = out;
    }

    long bytesWritten() {
        return bytesWritten + len;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, len + more)];
            System.arraycopy(buf, 0, bigger, 0, len);
            buf = bigger;
        }
    }

    AsciiSink ch(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    AsciiSink str(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    AsciiSink spaces(int n) {
        ensure(Math.max(n, 0));
        for (int i = 0; i < n; i++) {
            buf[len++] = ' ';
        }
        return this;
    }

    /** {@code %*s}: right-aligned in {@code width}. */
    AsciiSink right(String s, int width) {
        return spaces(width - s.length()).str(s);
    }

    /** {@code %-*s}: left-aligned in {@code width}. */
    AsciiSink left(String s, int width) {
        return str(s).spaces(width - s.length());
    }

    /** {@code %llx} (unsigned). */
    AsciiSink hex(long v) {
        return hex(v, 1);
    }

    /** {@code %0<digits>llx} (unsigned, zero-padded). */
    AsciiSink hex(long v, int minDigits) {
        int digits = Math.max(minDigits, v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        ensure(digits);
        for (int i = digits - 1; i >= 0; i--) {
            buf[len + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
        len += digits;
        return this;
    }

    /** {@code 0x%llx}. */
    AsciiSink hex0x(long v) {
        return str("0x").hex(v);
    }

    /** {@code 0x%0<digits>llx}. */
    AsciiSink hex0x(long v, int digits) {
        return str("0x").hex(v, digits);
    }

    private static int decimalDigits(long v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    /** {@code %lu} for non-negative values. */
    AsciiSink dec(long v) {
        return decRight(v, 0);
    }

    /** {@code %<width>lu}: right-aligned, space-padded. */
    AsciiSink decRight(long v, int width) {
        int digits = decimalDigits(v);
        spaces(width - digits);
        return decDigits(v, digits);
    }

    /** {@code %-<width>d}: left-aligned, space-padded. */
    AsciiSink decLeft(long v, int width) {
        int digits = decimalDigits(v);
        decDigits(v, digits);
        return spaces(width - digits);
    }

    /** {@code %0<width>lu}: zero-padded. */
    AsciiSink decZero(long v, int width) {
        int digits = Math.max(width, decimalDigits(v));
        return decDigits(v, digits);
    }

    private AsciiSink decDigits(long v, int digits) {
        ensure(digits);
        for (int i = digits - 1; i >= 0; i--) {
            buf[len + i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        len += digits;
        return this;
    }

    /** Marks where the current line starts, for {@link #column()}. */
    AsciiSink startLine() {
        lineStart = len;
        return this;
    }

    /** Characters written since {@link #startLine()}. */
    int column() {
        return len - lineStart;
    }

    /** Ends a line; writes the buffer out when it is full. */
    void endLine() {
        ch('\n');
        if (len >= FLUSH_AT) {
            flushBuffer();
        }
    }

    private void flushBuffer() {
        if (out != null) {
            try {
                out.write(buf, 0, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        bytesWritten += len;
        len = 0;
        lineStart = 0;
    }

    void flush() {
        flushBuffer();
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
