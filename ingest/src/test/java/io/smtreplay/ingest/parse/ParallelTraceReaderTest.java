package io.smtreplay.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smtreplay.ingest.testing.SharedTraces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Files parsed ahead on several threads reach the sinks exactly as read one after another. */
class ParallelTraceReaderTest {

    private static Map<String, CollectingSink> read(List<String> files, int threads, List<ReadSummary> summaries)
            throws IOException {
        Map<String, CollectingSink> sinks = new LinkedHashMap<>();
        summaries.addAll(ParallelTraceReader.readAll(files, threads, file -> sinks.computeIfAbsent(file, f -> new CollectingSink())));
        return sinks;
    }

    @Test
    void everySharedTraceGivesTheSameRecordsInTheSameOrderOnFourThreads() throws IOException {
        List<String> files = SharedTraces.all().stream().map(Path::toString).toList();
        List<ReadSummary> oneThread = new ArrayList<>();
        List<ReadSummary> fourThreads = new ArrayList<>();
        Map<String, CollectingSink> expected = read(files, 1, oneThread);
        Map<String, CollectingSink> actual = read(files, 4, fourThreads);
        assertEquals(oneThread, fourThreads);
        assertEquals(files, List.copyOf(actual.keySet()));
        for (String file : files) {
            assertEquals(expected.get(file).events, actual.get(file).events, file);
            assertEquals(expected.get(file).refused, actual.get(file).refused, file);
            assertEquals(expected.get(file).lost, actual.get(file).lost, file);
        }
    }

    @Test
    void aMissingFileFailsAfterTheFilesBeforeItWereDelivered() {
        String first = SharedTraces.all().get(0).toString();
        Map<String, CollectingSink> sinks = new LinkedHashMap<>();
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ParallelTraceReader.readAll(
                List.of(first, "/nonexistent/trace.txt"), 2, file -> sinks.computeIfAbsent(file, f -> new CollectingSink())));
        assertEquals(List.of(first, "/nonexistent/trace.txt"), List.copyOf(sinks.keySet()));
    }
}
