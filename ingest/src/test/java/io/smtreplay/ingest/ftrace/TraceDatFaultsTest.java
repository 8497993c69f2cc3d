package io.smtreplay.ingest.ftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.parse.CollectingSink;
import io.smtreplay.ingest.parse.TraceFileReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cut and damaged trace.dat files: metadata faults are one-line errors naming the byte; faults in
 * CPU data leave every other page read, delivered and counted, then name the first faulty byte.
 */
class TraceDatFaultsTest {

    @Test
    void aVersion6FileCutInItsLastCpuKeepsEveryWholePageBeforeTheCut(@TempDir Path dir) throws Exception {
        Path v6 = TraceDatFixture.converted(dir, "--file-version", "6");
        CollectingSink whole = TraceDatFixture.read(v6);
        TraceDatFile.CpuData last;
        try (TraceDatFile f = TraceDatFile.open(v6)) {
            last = f.buffers().get(0).cpus().stream().filter(c -> c.size() > 0)
                    .max(java.util.Comparator.comparingLong(TraceDatFile.CpuData::offset)).orElseThrow();
        }
        long cut = last.offset() + 4096 + 100; // one whole page of the last CPU and a bit of the next
        truncate(v6, cut);

        CollectingSink partial = new CollectingSink();
        TruncatedTraceException e = assertThrows(TruncatedTraceException.class,
                () -> TraceFileReader.read(v6.toString(), partial));
        assertEquals(cut, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("at byte " + cut), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(partial.events.size(), e.summary().events(), "what was delivered is what is counted");
        long lastCpuEvents = whole.events.stream().filter(p -> p.event().pcpu() == last.cpu()).count();
        long otherEvents = whole.events.size() - lastCpuEvents;
        long lastCpuRead = partial.events.stream().filter(p -> p.event().pcpu() == last.cpu()).count();
        assertEquals(otherEvents, partial.events.size() - lastCpuRead, "the other CPU is read whole");
        assertTrue(lastCpuRead > 0 && lastCpuRead < lastCpuEvents, "the cut CPU's first page is used: " + lastCpuRead);
        long lastCpuPages = (last.size() + 4095) / 4096;
        assertEquals(lastCpuPages - 1, e.pagesLost(), e.getMessage());
    }

    @Test
    void aCorruptPageIsSkippedAndNamedWhileEveryOtherPageIsRead(@TempDir Path dir) throws Exception {
        Path none = TraceDatFixture.converted(dir, "--compression", "none");
        CollectingSink whole = TraceDatFixture.read(none);
        TraceDatFile.CpuData cpu0;
        try (TraceDatFile f = TraceDatFile.open(none)) {
            cpu0 = f.buffers().get(0).cpus().get(0);
        }
        long commit = cpu0.offset() + 8; // header_page: u64 timestamp, then local_t commit
        write(none, commit, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 60_000).array());

        CollectingSink partial = new CollectingSink();
        TruncatedTraceException e = assertThrows(TruncatedTraceException.class,
                () -> TraceFileReader.read(none.toString(), partial));
        assertEquals(commit, e.offset(), e.getMessage());
        assertEquals(1, e.pagesLost());
        long firstPageEvents = whole.events.stream().filter(p -> p.event().pcpu() == cpu0.cpu()).count()
                - partial.events.stream().filter(p -> p.event().pcpu() == cpu0.cpu()).count();
        assertTrue(firstPageEvents > 0, "only the first page of CPU 0 is missing");
        assertEquals(whole.events.size() - firstPageEvents, partial.events.size());
    }

    @Test
    void aDamagedZstdChunkLosesThatCpuFromTheChunkOnAndNamesIt(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("damaged.dat");
        Files.copy(TraceDatFixture.traceDat(), copy);
        TraceDatFile.CpuData cpu0;
        try (TraceDatFile f = TraceDatFile.open(copy)) {
            assertEquals("zstd", f.compression());
            cpu0 = f.buffers().get(0).cpus().get(0);
        }
        long chunk = cpu0.offset() + 4; // after the chunk count
        write(copy, chunk + 8 + 40, new byte[] {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55});

        CollectingSink partial = new CollectingSink();
        TruncatedTraceException e = assertThrows(TruncatedTraceException.class,
                () -> TraceFileReader.read(copy.toString(), partial));
        assertEquals(chunk, e.offset(), e.getMessage());
        assertTrue(partial.events.stream().noneMatch(p -> p.event().pcpu() == cpu0.cpu()));
        assertTrue(partial.events.stream().anyMatch(p -> p.event().pcpu() != cpu0.cpu()), "CPU 1 is read");
    }

    @Test
    void aVersion7FileCutBeforeItsBufferOptionIsAOneLineErrorNamingTheByte(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("cut.dat");
        Files.copy(TraceDatFixture.traceDat(), copy);
        long dataEnd;
        try (TraceDatFile f = TraceDatFile.open(copy)) {
            dataEnd = f.buffers().get(0).cpus().stream().mapToLong(c -> c.offset() + c.size()).max().orElseThrow();
        }
        long cut = dataEnd + 10; // trace-cmd writes the options section with the BUFFER option after the data
        truncate(copy, cut);
        CorruptTraceException e = assertThrows(CorruptTraceException.class,
                () -> TraceFileReader.read(copy.toString(), new CollectingSink()));
        assertTrue(e.getMessage().startsWith(copy + ": corrupt trace.dat at byte "), e.getMessage());
        assertTrue(e.getMessage().contains("end of the file at byte " + cut), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void anUnknownVersionIsRefusedAtItsByte(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("v9.dat");
        Files.copy(TraceDatFixture.traceDat(), copy);
        write(copy, 10, new byte[] {'9'});
        CorruptTraceException e = assertThrows(CorruptTraceException.class, () -> TraceDatFile.open(copy));
        assertEquals(10, e.offset());
        assertTrue(e.getMessage().contains("version 9 is not supported"), e.getMessage());
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(size);
        }
    }

    private static void write(Path file, long at, byte[] bytes) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(bytes), at);
        }
    }
}
