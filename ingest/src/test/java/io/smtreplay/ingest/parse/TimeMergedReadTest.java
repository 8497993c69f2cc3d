package io.smtreplay.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ParallelTraceReader#readTimeMerged}: several files' events in time order, each to its file's sink. */
class TimeMergedReadTest {

    private static String exit(int thread, String time) {
        return " CPU 0/KVM-" + thread + "  [001] ....  " + time + ": kvm_exit: reason CPUID rip 0x1 info 0 0";
    }

    @Test
    void eventsOfSeveralFilesArriveInTimeOrderWithTheirFilesLabels(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        // more lines than one queue holds, so the merge must interleave while both readers run
        List<String> linesA = new ArrayList<>();
        List<String> linesB = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            linesA.add(exit(1, String.format("%d.%06d", 100, 2 * i)));
            linesB.add(exit(2, String.format("%d.%06d", 100, 2 * i + 1)));
        }
        linesB.add(1, "some prose in the middle");
        linesA.add(5_000, "CPU:3 [LOST 42 EVENTS]");
        Files.write(a, linesA);
        Files.write(b, linesB);
        List<Long> times = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<EventsLost> lost = new ArrayList<>();
        Function<String, TraceRecordSink> sinkOf = file -> new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                times.add(event.event().timestampNs());
                files.add(Path.of(file).getFileName().toString());
            }

            @Override
            public void onRefused(RefusedLine line) {
                refused.add(Path.of(file).getFileName() + ":" + line.reason());
            }

            @Override
            public void onEventsLost(EventsLost mark) {
                assertEquals(a.toString(), file);
                lost.add(mark);
            }
        };

        List<ReadSummary> summaries = ParallelTraceReader.readTimeMerged(List.of(a.toString(), b.toString()), sinkOf);

        assertEquals(20_000, times.size());
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i - 1) <= times.get(i), "out of order at " + i);
        }
        assertEquals(List.of("a.txt", "b.txt", "a.txt", "b.txt"), files.subList(0, 4));
        assertEquals(2, refused.size(), refused.toString()); // b's prose; a's lost-event mark (refused, then signalled)
        assertTrue(refused.contains("a.txt:EVENTS_LOST") && refused.stream().anyMatch(r -> r.startsWith("b.txt:")), refused.toString());
        assertEquals(1, lost.size());
        assertEquals(3, lost.get(0).pcpu());
        assertEquals(10_000, summaries.get(0).events());
        assertEquals(10_001, summaries.get(0).lines());
        assertEquals(10_001, summaries.get(1).lines());
    }

    @Test
    void aFileThatCannotBeReadEndsTheMergeNamingIt(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.txt");
        Files.write(a, List.of(exit(1, "1.000001")));
        IOException e = assertThrows(IOException.class, () -> ParallelTraceReader.readTimeMerged(
                List.of(a.toString(), dir.resolve("missing.txt").toString()), file -> new CollectingSink()));
        assertTrue(String.valueOf(e.getMessage()).contains("missing.txt"), e.getMessage());
    }
}
