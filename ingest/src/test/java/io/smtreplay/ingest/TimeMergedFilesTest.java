package io.smtreplay.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeMergedFilesTest {

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
        Files.write(a, linesA);
        Files.write(b, linesB);
        Labels la = new Labels("a.txt", null, "a");
        Labels lb = new Labels("b.txt", null, "b");
        List<Long> times = new ArrayList<>();
        List<String> apps = new ArrayList<>();
        List<RefusedLine> refused = new ArrayList<>();

        List<ReadSummary> summaries = TimeMergedFiles.read(
                List.of(new TimeMergedFiles.Input(a.toString(), la), new TimeMergedFiles.Input(b.toString(), lb)),
                new TimeMergedFiles.Sink() {
                    @Override
                    public void onEvent(Labels labels, ParsedEvent event) {
                        times.add(event.event().timestampNs());
                        apps.add(labels.app());
                    }

                    @Override
                    public void onRefused(Labels labels, RefusedLine line) {
                        assertEquals("b", labels.app());
                        refused.add(line);
                    }
                });

        assertEquals(20_000, times.size());
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i - 1) <= times.get(i), "out of order at " + i);
        }
        assertEquals(List.of("a", "b", "a", "b"), apps.subList(0, 4));
        assertEquals(1, refused.size());
        assertEquals(10_000, summaries.get(0).events());
        assertEquals(10_001, summaries.get(1).lines());
    }

    @Test
    void aFileThatCannotBeReadEndsTheMergeNamingIt(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.txt");
        Files.write(a, List.of(exit(1, "1.000001")));
        IOException e = assertThrows(IOException.class, () -> TimeMergedFiles.read(
                List.of(new TimeMergedFiles.Input(a.toString(), new Labels("a", null, "a")),
                        new TimeMergedFiles.Input(dir.resolve("missing.txt").toString(), new Labels("m", null, "m"))),
                new TimeMergedFiles.Sink() {
                    @Override
                    public void onEvent(Labels labels, ParsedEvent event) {
                    }

                    @Override
                    public void onRefused(Labels labels, RefusedLine refused) {
                    }
                }));
        assertTrue(String.valueOf(e.getMessage()).contains("missing.txt"), e.getMessage());
    }
}
