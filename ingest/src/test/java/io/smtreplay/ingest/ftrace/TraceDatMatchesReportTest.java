package io.smtreplay.ingest.ftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.parse.CollectingSink;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace.dat decoder gives, event for event and field for field, what the text parser reads
 * from {@code trace-cmd report} of the same file. Where the report prints less than the pages hold
 * (the kvm plugin omits kvm_exit's vcpu_id, intr_info and error_code; times print rounded to microseconds)
 * the text's value must be absent, never different.
 */
class TraceDatMatchesReportTest {

    @Test
    void everyEventAndFieldOfTheReportIsDecodedFromThePages() throws Exception {
        CollectingSink dat = TraceDatFixture.read(TraceDatFixture.traceDat());
        CollectingSink text = TraceDatFixture.read(TraceDatFixture.report());

        assertEquals(text.events.size(), dat.events.size(), "events");
        assertEquals(dat.events.size(), dat.summary.events());
        assertEquals(Map.of(), dat.summary.refusedByReason(), "a kvm-only capture: nothing refused");
        assertTrue(dat.lost.isEmpty());
        Map<String, Integer> byEvent = new TreeMap<>();
        for (int i = 0; i < dat.events.size(); i++) {
            TraceEvent b = dat.events.get(i).event();
            TraceEvent t = text.events.get(i).event();
            String at = "event " + i + " (" + t.tracepoint() + " at " + t.timestampNs() + ")";
            assertEquals(t.tracepoint(), b.tracepoint(), at);
            assertEquals(t.kind(), b.kind(), at);
            assertEquals(t.timestampNs(), (b.timestampNs() + 500) / 1000 * 1000, at + ": report prints microseconds, rounded");
            assertEquals(t.tid(), b.tid(), at);
            assertEquals(t.comm(), b.comm(), at);
            assertEquals(t.pcpu(), b.pcpu(), at);
            assertEquals(t.isa(), b.isa(), at);
            assertEquals(t.reason(), b.reason(), at);
            assertEquals(t.guestRip(), b.guestRip(), at);
            assertEquals(t.info1(), b.info1(), at);
            assertEquals(t.info2(), b.info2(), at);
            assertEquals(t.nestedEntry(), b.nestedEntry(), at);
            absentOrEqual(t.intrInfo(), b.intrInfo(), at + " intr_info");
            absentOrEqual(t.errorCode(), b.errorCode(), at + " error_code");
            if (t.vcpu() != -1) {
                assertEquals(t.vcpu(), b.vcpu(), at + " vcpu");
            }
            byEvent.merge(b.tracepoint(), 1, Integer::sum);
        }
        // the pages hold what the plugin text leaves out: every exit has its vCPU and interrupt info
        for (ParsedEvent e : dat.events) {
            if (e.event().kind() == EventKind.EXIT) {
                assertTrue(e.event().vcpu() >= 0 && e.event().intrInfo() != null && e.event().errorCode() != null, e.toString());
                assertEquals(Isa.SVM, e.event().isa());
            }
        }
        // and per event what the lab counted in the kernel's own text (tracefs `trace`) of that run
        Map<String, Integer> counted = new TreeMap<>();
        new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(getClass().getResource(TraceDatFixture.DIR + "manifest.json"))
                .at("/workloads/nested/events/ftrace/by_event").fields()
                .forEachRemaining(f -> counted.put(f.getKey(), f.getValue().asInt()));
        assertEquals(counted, byEvent);
        assertEquals(2, dat.events.stream().map(e -> e.event().pcpu()).distinct().count(), "both CPUs' pages are read");
    }

    /**
     * What a batch writer copies from each decoded record (its column row) is, field for field, the
     * record the event path publishes ({@code ExitEventMapping.toAvro} of the same event).
     */
    @Test
    void eachRecordsColumnRowIsTheEventsWireRecord() throws Exception {
        io.smtreplay.trace.Labels labels = new io.smtreplay.trace.Labels("host-a", "vm1", "app1");
        java.util.List<io.smtreplay.schemas.ExitEvent> rows = new java.util.ArrayList<>();
        java.util.List<io.smtreplay.schemas.ExitEvent> events = new java.util.ArrayList<>();
        io.smtreplay.ingest.parse.TraceRecordSink both = new io.smtreplay.ingest.parse.TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                throw new AssertionError("every record comes as a view: " + event);
            }

            @Override
            public void onRefused(io.smtreplay.trace.RefusedLine refused) {
                throw new AssertionError("a kvm-only capture: " + refused);
            }

            @Override
            public void onDecoded(RecordView record) {
                rows.add(record.row().labels(labels.host(), labels.vm(), labels.app()).toExitEvent());
                events.add(io.smtreplay.schemas.ExitEventMapping.toAvro(record.toParsedEvent(), labels));
            }
        };
        io.smtreplay.ingest.parse.TraceFileReader.read(TraceDatFixture.traceDat().toString(), both);
        assertEquals(1051, rows.size());
        assertEquals(events, rows);
    }

    @Test
    void pagesKeepNanosecondsAndCpusAreMergedInTimeOrder() throws Exception {
        CollectingSink dat = TraceDatFixture.read(TraceDatFixture.traceDat());
        long withNanoseconds = dat.events.stream().filter(e -> e.event().timestampNs() % 1000 != 0).count();
        assertTrue(withNanoseconds > dat.events.size() / 2, "pages keep nanoseconds: " + withNanoseconds);
        long previous = Long.MIN_VALUE;
        for (ParsedEvent e : dat.events) {
            assertTrue(e.event().timestampNs() >= previous, "CPUs merged in time order at " + e);
            previous = e.event().timestampNs();
        }
    }

    @Test
    void aVersion6CopyDecodesToTheSameEvents(@TempDir Path dir) throws Exception {
        convertedCopyDecodesToTheSameEvents(dir, 6, "--file-version", "6");
    }

    @Test
    void anUncompressedVersion7CopyDecodesToTheSameEvents(@TempDir Path dir) throws Exception {
        convertedCopyDecodesToTheSameEvents(dir, 7, "--compression", "none");
    }

    /** trace-cmd convert rewrites the fixture with {@code options}; the copy must decode to the same events. */
    private static void convertedCopyDecodesToTheSameEvents(Path dir, int version, String... options) throws Exception {
        Path copy = TraceDatFixture.converted(dir, options);
        try (TraceDatFile f = TraceDatFile.open(copy)) {
            assertEquals(version, f.version());
            assertEquals("none", f.compression());
        }
        assertSameEvents(TraceDatFixture.read(TraceDatFixture.traceDat()), TraceDatFixture.read(copy));
    }

    @Test
    void aGzippedTraceDatIsRecognizedInsideTheGzip(@TempDir Path dir) throws Exception {
        Path gz = dir.resolve("trace.dat.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(TraceDatFixture.traceDat(), out);
        }
        CollectingSink sink = TraceDatFixture.read(gz);
        assertEquals(TraceDatFixture.read(TraceDatFixture.traceDat()).events.size(), sink.events.size());
        assertEquals(0, sink.summary.refusedByReason().getOrDefault(RefusalReason.UNRECOGNIZED, 0L));
    }

    private static void assertSameEvents(CollectingSink expected, CollectingSink actual) {
        assertEquals(expected.events.size(), actual.events.size());
        for (int i = 0; i < expected.events.size(); i++) {
            assertEquals(expected.events.get(i).event(), actual.events.get(i).event(), "event " + i);
        }
        assertEquals(expected.summary.lines(), actual.summary.lines());
        assertEquals(expected.summary.events(), actual.summary.events());
        assertEquals(expected.summary.refusedByReason(), actual.summary.refusedByReason());
    }

    private static void absentOrEqual(Long text, Long pages, String what) {
        if (text != null) {
            assertEquals(text, pages, what);
        }
    }
}
