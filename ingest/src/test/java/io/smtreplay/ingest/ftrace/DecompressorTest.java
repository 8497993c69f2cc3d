package io.smtreplay.ingest.ftrace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * trace-cmd's zlib compression writes zlib streams (zlib's {@code compress2}); Debian's trace-cmd
 * is built without it, so no real zlib trace.dat can be made here: the stream format is checked on
 * 16 KiB of the lab's report text compressed by the JDK's zlib, and the zstd path on the lab fixture.
 */
class DecompressorTest {

    @Test
    void zlibStreamsDecompressExactly() throws Exception {
        byte[] pages;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(TraceDatFixture.report()))) {
            pages = Arrays.copyOf(in.readAllBytes(), 16384);
        }
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, false);
        deflater.setInput(pages);
        deflater.finish();
        byte[] packed = new byte[pages.length + 64];
        int n = deflater.deflate(packed);
        deflater.end();
        assertTrue(n < pages.length);
        assertArrayEquals(pages, Decompressor.of("zlib", 0).decompress(packed, 0, n, pages.length));
    }

    @Test
    void aDamagedOrShortStreamIsCorruptNotAPartialResult() throws Exception {
        byte[] data = "header_page header_event kvm_exit kvm_entry".repeat(20).getBytes();
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] packed = new byte[data.length];
        int n = deflater.deflate(packed);
        deflater.end();
        Decompressor zlib = Decompressor.of("zlib", 0);
        assertThrows(CorruptTraceException.class, () -> zlib.decompress(packed, 0, n / 2, data.length));
        assertThrows(CorruptTraceException.class, () -> Decompressor.of("zstd", 0).decompress(packed, 0, n, data.length));
        CorruptTraceException e = assertThrows(CorruptTraceException.class, () -> Decompressor.of("lz4", 77));
        assertEquals(77, e.offset());
    }
}
