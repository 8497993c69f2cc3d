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

    /**
     * Nested entries, now decoded in the buffer: every shape the slow path knows (VMX and SVM,
     * kernel 5.x/6.x and the old {@code kvm_nested_vmrun}), the ones it refuses or waits on (a field
     * missing, not hex, a record cut before its last field) and single-byte edits of each, each
     * followed by an exit whose bare-number reason is read under the ISA the entry taught.
     */
    @Test
    void nestedEntriesOfEveryShapeGiveTheSameEvents() throws IOException {
        String prefix = " qemu-system-x86-4242 [001] .... 100.000001: ";
        List<String> entries = List.of(
                "kvm_nested_vmenter: rip: 0xffffffff8104f2c3 vmcs: 0x0000000103594000 nested_rip: 0xffffffff814b3b01"
                        + " int_ctl: 0x00000000 event_inj: 0x80000036 nested_ept=y nested_eptp: 0x000000010a81e05e",
                "kvm_nested_vmenter: rip: 0x000000000000201c vmcb: 0x0000000000004000 nested_rip: 0x0000000000003000"
                        + " int_ctl: 0x00000000 event_inj: 0x00000000 nested_npt=n guest_cr3: 0x0000000000001000",
                "kvm_nested_vmenter: rip: 0x201c vmcb: 0x4000 nested_rip: 0x3000 int_ctl: 0x0 event_inj: 0x0"
                        + " nested_npt=y nested_cr3: 0x1000",
                "kvm_nested_vmrun:     rip: 0xffffffffa0688ffa vmcb: 0x0000000103594000 nrip: 0xffffffff814b3b01"
                        + " int_ctl: 0x01000001 event_inj: 0x80000036 npt: on",
                "kvm_nested_vmrun: rip: 0x7ffbb280 vmcb: 0x8224000 nrip: 0x7ffbb283 int_ctl: 0x0 event_inj: 0x0 npt: off",
                "kvm_nested_vmenter: rip: 0x201c vmcb: 0x4000 nested_rip: 0x3000 event_inj: 0x0 nested_npt=n guest_cr3: 0x1000",
                "kvm_nested_vmenter: rip: 0x201c vmcb: 0x4000 nested_rip: 0x30g0 int_ctl: 0x0 event_inj: 0x0 guest_cr3: 0x1",
                "kvm_nested_vmenter: rip: 0x201c vmcb: 0x4000 nested_rip: 0x3000 int_ctl: 0x0 event_inj: 0x0 guest_cr3:",
                "kvm_nested_vmenter: rip: 0x201c vmcb: 0x4000 nested_rip: 0x3000 int_ctl: 0x0 event_inj: 0x0",
                "kvm_nested_vmenter: rip: 0x201c vmcb: 0x4000 rip: 0x3000 int_ctl: 0x0 event_inj: 0x0 guest_cr3: 0x1",
                "kvm_nested_vmenter: rip: 0x201c vmcs: 0x4000 nested_rip: 0x3000 int_ctl: 0x0 event_inj: 0x0"
                        + " nested_npt=y nested_ept=n nested_eptp: 0x1");
        String exit = prefix + "kvm_exit: vcpu 0 reason 48 rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0";
        Random random = new Random(20261203L);
        String alphabet = " :0x1fgy=n_";
        for (String entry : entries) {
            sameAsStringReader(entry, (prefix + entry + "\n" + exit + "\n").getBytes(StandardCharsets.US_ASCII));
            for (int round = 0; round < 100; round++) {
                StringBuilder line = new StringBuilder(entry);
                int at = random.nextInt(line.length());
                switch (random.nextInt(3)) {
                    case 0 -> line.deleteCharAt(at);
                    case 1 -> line.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> line.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
                sameAsStringReader(line.toString(), (prefix + line + "\n" + exit + "\n").getBytes(StandardCharsets.US_ASCII));
            }
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
