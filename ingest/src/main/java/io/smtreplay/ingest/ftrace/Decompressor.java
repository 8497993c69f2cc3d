package io.smtreplay.ingest.ftrace;

import io.airlift.compress.zstd.ZstdDecompressor;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The compression of a trace.dat v7 file, named in its header: {@code zstd} (trace-cmd's default,
 * decoded by aircompressor's pure-Java zstd), {@code zlib} (zlib streams, {@link Inflater}), or
 * {@code none}.
 */
abstract class Decompressor {

    static Decompressor of(String name, long fileOffset) throws CorruptTraceException {
        return switch (name) {
            case "none" -> null;
            case "zstd" -> new Zstd();
            case "zlib" -> new Zlib();
            default -> throw new CorruptTraceException("compression '" + name + "' is not supported (zstd, zlib, none)",
                    fileOffset);
        };
    }

    /** Decompresses {@code in[offset, offset + length)} into exactly {@code size} bytes. */
    abstract byte[] decompress(byte[] in, int offset, int length, int size) throws CorruptTraceException;

    private static final class Zstd extends Decompressor {
        private final ZstdDecompressor zstd = new ZstdDecompressor();

        @Override
        byte[] decompress(byte[] in, int offset, int length, int size) throws CorruptTraceException {
            byte[] out = new byte[size];
            int n;
            try {
                n = zstd.decompress(in, offset, length, out, 0, size);
            } catch (RuntimeException e) {
                throw new CorruptTraceException("zstd data does not decompress: " + e.getMessage(), -1);
            }
            if (n != size) {
                throw new CorruptTraceException("zstd data gave " + n + " bytes, " + size + " expected", -1);
            }
            return out;
        }
    }

    private static final class Zlib extends Decompressor {
        @Override
        byte[] decompress(byte[] in, int offset, int length, int size) throws CorruptTraceException {
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(in, offset, length);
                byte[] out = new byte[size];
                int n = 0;
                while (n < size && !inflater.finished()) {
                    int got = inflater.inflate(out, n, size - n);
                    if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        break;
                    }
                    n += got;
                }
                if (n != size) {
                    throw new CorruptTraceException("zlib data gave " + n + " bytes, " + size + " expected", -1);
                }
                return out;
            } catch (DataFormatException e) {
                throw new CorruptTraceException("zlib data does not decompress: " + e.getMessage(), -1);
            } finally {
                inflater.end();
            }
        }
    }
}
