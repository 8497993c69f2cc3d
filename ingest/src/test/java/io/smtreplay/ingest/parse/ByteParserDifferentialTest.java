package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.testing.SharedTraces;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.trace.TraceFormat;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The byte-level reader against the line-by-line String reader it replaced, event for event,
 * refusal for refusal: every shared trace, the capture lab's fixtures, synthesized traces of every
 * format × kernel × ISA, and mutated lines. The reference here is the old reader itself
 * ({@code BufferedReader.readLine} then {@link TraceLineParser#accept(String)} for every line); the
 * new one decodes the common record in the buffer and gives every other line to that same slow path.
 */
class ByteParserDifferentialTest {

    /** What a reader emitted, in order, with its summary. */
    private record Emitted(List<Object> records, ReadSummary summary) {
    }

    private static Emitted byteReader(byte[] input) throws IOException {
        Recording sink = new Recording();
        ReadSummary summary = TraceFileReader.read("x", new ByteArrayInputStream(input), sink);
        return new Emitted(sink.records, summary);
    }

    /** The reader before the byte-level parser: a String per line through the slow path. */
    static Emitted stringReader(byte[] input) throws IOException {
        Recording sink = new Recording();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        BufferedReader reader = new BufferedReader(new InputStreamReader(
                TraceFileReader.maybeGunzip(new ByteArrayInputStream(input)), decoder), 1 << 16);
        TraceLineParser parser = new TraceLineParser("x", sink);
        String line;
        while ((line = reader.readLine()) != null) {
            parser.accept(line);
        }
        return new Emitted(sink.records, parser.finish());
    }

    private static final class Recording implements TraceRecordSink {
        final List<Object> records = new ArrayList<>();

        @Override
        public void onEvent(ParsedEvent event) {
            records.add(event);
        }

        @Override
        public void onRefused(RefusedLine refused) {
            records.add(refused);
        }

        @Override
        public void onEventsLost(EventsLost lost) {
            records.add(lost);
        }
    }

    private static void sameAsStringReader(String what, byte[] input) throws IOException {
        Emitted expected = stringReader(input);
        Emitted actual = byteReader(input);
        assertEquals(expected.summary(), actual.summary(), what + ": summary");
        assertEquals(expected.records().size(), actual.records().size(), what + ": records");
        for (int i = 0; i < expected.records().size(); i++) {
            int at = i;
            assertEquals(expected.records().get(i), actual.records().get(i), () -> what + ": record " + at);
        }
    }

    static Stream<Path> sharedTraces() {
        return SharedTraces.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sharedTraces")
    void everySharedTraceGivesTheSameEventsAndRefusals(Path trace) throws IOException {
        sameAsStringReader(trace.toString(), Files.readAllBytes(trace));
    }

    static Stream<Path> labFixtures() throws IOException {
        Path root = Path.of("..", "capture-lab", "fixtures");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".txt.gz")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "capture-lab fixtures under " + root.toAbsolutePath());
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labFixtures")
    void everyCaptureLabFixtureGivesTheSameEventsAndRefusals(Path fixture) throws IOException {
        sameAsStringReader(fixture.toString(), Files.readAllBytes(fixture));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("io.smtreplay.synth.SynthRoundTripTest#formatsKernelsIsas")
    void everySynthesizedFormatKernelAndIsaGivesTheSameEvents(TraceFormat f, KernelEra k, Isa isa) throws IOException {
        for (Workload w : Workload.values()) {
            SynthSpec spec = new SynthSpec(w, f, k, isa, 2, 300_000, 5, null, true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new TraceSynthesizer(spec, CostProfiles.defaultProfile()).write(out);
            sameAsStringReader(spec.toString(), out.toByteArray());
        }
    }

    @Test
    void mutatedRecordsAndOddLineEndsGiveTheSameEvents() throws IOException {
        List<String> seeds = new ArrayList<>();
        for (Path trace : SharedTraces.all()) {
            seeds.addAll(SharedTraces.lines(trace).stream().limit(400).toList());
        }
        Random random = new Random(20261202L);
        String alphabet = " \t:[]().-_/<>#0123456789abcdefxABCDEFkvm_reasonripinfovcpu\"',=\u00e9\r\n";
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                StringBuilder line = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
                for (int e = random.nextInt(3); e > 0 && line.length() > 0; e--) {
                    int at = random.nextInt(line.length());
                    switch (random.nextInt(3)) {
                        case 0 -> line.deleteCharAt(at);
                        case 1 -> line.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        default -> line.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                }
                text.append(line).append(switch (random.nextInt(6)) {
                    case 0 -> "\r\n";
                    case 1 -> "\r";
                    default -> "\n";
                });
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            if (round % 10 == 0) {
                bytes[random.nextInt(bytes.length)] = (byte) 0xC3; // a broken UTF-8 sequence
            }
            sameAsStringReader("round " + round, bytes);
        }
    }
}
