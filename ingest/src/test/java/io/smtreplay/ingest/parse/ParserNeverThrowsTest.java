package io.smtreplay.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: any line, however mangled, is parsed or refused; the parser never throws and
 * accounts for every line. Inputs are real trace lines mutated at random (seeded, so a failure
 * reproduces) and random printable noise.
 */
class ParserNeverThrowsTest {

    private static final String ALPHABET = " \t:[]()<>-_.,#>/=|0123456789abcdefxKVMkvm_exitreasonrip";

    @Test
    void mutatedRealLinesAreParsedOrRefusedNeverThrown() throws IOException {
        List<String> seeds = new ArrayList<>();
        RealTracesParseTest.sharedTraces().forEach(p -> {
            try {
                List<String> lines = RealTracesParseTest.readLines(p);
                seeds.addAll(lines.subList(0, Math.min(lines.size(), 150)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Random random = new Random(20261125);
        StringBuilder input = new StringBuilder();
        int lines = 0;
        for (int i = 0; i < 30_000; i++) {
            String line = seeds.get(random.nextInt(seeds.size()));
            input.append(mutate(line, random)).append('\n');
            lines++;
        }
        for (int i = 0; i < 5_000; i++) {
            StringBuilder noise = new StringBuilder();
            int len = random.nextInt(120);
            for (int j = 0; j < len; j++) {
                noise.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            input.append(noise).append('\n');
            lines++;
        }
        long[] accounted = new long[2];
        ReadSummary summary = TraceFileReader.read("fuzz", new ByteArrayInputStream(
                input.toString().getBytes(StandardCharsets.UTF_8)), new TraceRecordSink() {
                    @Override
                    public void onEvent(ParsedEvent event) {
                        accounted[0]++;
                    }

                    @Override
                    public void onRefused(RefusedLine refused) {
                        accounted[1]++;
                    }
                });
        assertEquals(lines, summary.lines());
        assertEquals(summary.events(), accounted[0]);
        assertEquals(summary.refused(), accounted[1]);
    }

    private static String mutate(String line, Random random) {
        if (line.isEmpty()) {
            return line;
        }
        StringBuilder sb = new StringBuilder(line);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && sb.length() > 0; e++) {
            int at = random.nextInt(sb.length());
            switch (random.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 2 -> sb.setLength(at); // truncate
                default -> sb.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return sb.toString();
    }

}
