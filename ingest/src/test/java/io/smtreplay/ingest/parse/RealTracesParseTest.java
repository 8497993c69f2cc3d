package io.smtreplay.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in ../shared/traces: every KVM event line becomes an event, every other line is
 * refused with a reason, nothing throws and nothing is unaccounted for.
 *
 * <p>The expected number of events is counted here by a rule independent of the parser: a KVM
 * record is a line that carries a KVM tracepoint name followed by a colon ({@code kvm_exit:},
 * {@code kvm:kvm_exit:}, kvmmmu's names), after removing mail quote prefixes. Wrapped records
 * carry the name once (perf's header line, or the event line after an ftrace prefix broken at the
 * timestamp); tables and counts print names without a trailing colon; a line cut off before the
 * colon ({@code ... 83184.290416: kvm_exit}) is not a record.
 */
class RealTracesParseTest {

    private static final Pattern KVM_RECORD = Pattern.compile(
            "(?:^|[\\s:])(?:kvm:|kvmmmu:)?(?:kvm_[a-z0-9_]+|fast_page_fault|vcpu_match_mmio|handle_mmio_page_fault|mark_mmio_spte):(?:\\s|$)");

    static Stream<Path> sharedTraces() throws IOException {
        Path dir = sharedTracesDir();
        try (Stream<Path> top = Files.list(dir); Stream<Path> lab = Files.list(dir.resolve("lab"))) {
            List<Path> files = new ArrayList<>();
            top.filter(p -> p.toString().endsWith(".txt")).forEach(files::add);
            lab.filter(p -> p.toString().endsWith(".gz")).forEach(files::add);
            files.sort(null);
            assertTrue(files.size() >= 30, "expected the shared traces, found " + files.size());
            return files.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("sharedTraces")
    void everyKvmRecordIsAnEventAndEveryOtherLineIsRefusedWithAReason(Path file) throws IOException {
        List<String> lines = readLines(file);
        long expectedEvents = lines.stream().map(TraceParser::withoutQuotePrefix)
                .filter(l -> KVM_RECORD.matcher(l).find()).count();

        List<ParsedEvent> events = new ArrayList<>();
        List<RefusedLine> refused = new ArrayList<>();
        ReadSummary summary = TraceFileReader.read(file.toString(), new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                events.add(event);
            }

            @Override
            public void onRefused(RefusedLine line) {
                refused.add(line);
            }
        });

        assertEquals(lines.size(), summary.lines(), "lines read");
        assertEquals(expectedEvents, events.size(), "events");
        assertEquals(events.size(), summary.events());
        assertEquals(refused.size(), summary.refused());
        for (RefusedLine r : refused) {
            assertFalse(r.reason() == RefusalReason.MALFORMED_KVM_EVENT,
                    "a KVM record was refused as malformed: line " + r.lineNumber() + ": " + r.text());
            assertEquals(lines.get((int) r.lineNumber() - 1), r.text(), "refused text is the raw line");
        }
        // every physical line is either refused or part of exactly one event's record
        long eventLines = lines.size() - refused.size();
        assertTrue(eventLines >= events.size(), "each event takes at least one line");
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).lineNumber() > events.get(i - 1).lineNumber(), "file order");
            assertEquals(i, events.get(i).sequence());
        }
        events.forEach(e -> {
            if (e.event().reason() != null) {
                assertTrue(e.event().reason().known() || e.event().reason().code() >= 0,
                        "reason resolved or kept by code: " + e.event());
            }
        });
    }

    static Path sharedTracesDir() {
        String env = System.getenv("SMTREPLAY_SHARED");
        Path dir = Path.of(env != null ? env : "../../shared", "traces");
        if (!Files.isDirectory(dir)) {
            dir = Path.of("../shared/traces");
        }
        if (!Files.isDirectory(dir)) {
            if (System.getenv("CI") != null) {
                fail("../shared/traces is missing; tests need it in CI");
            }
            Assumptions.abort("../shared/traces is not beside this checkout");
        }
        return dir;
    }

    static List<String> readLines(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }
}
