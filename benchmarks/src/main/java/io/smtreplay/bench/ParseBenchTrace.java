package io.smtreplay.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Builds the large benchmark trace: the real shared traces (all of traces/ and traces/lab/)
 * repeated until a line count is reached, each repetition's record timestamps shifted by 1000 s
 * so the file reads as one long capture. Written under target/, never committed.
 */
public final class ParseBenchTrace {
    private static final Pattern TIMESTAMP = Pattern.compile("(\\]\\s+(?:\\S{4,5}\\s+)?)(\\d+)(\\.\\d+:)");

    private ParseBenchTrace() {
    }

    /** The shared folder: SMTREPLAY_SHARED, else ../shared from the working directory (the repository root). */
    public static Path sharedTraces() {
        String env = System.getenv("SMTREPLAY_SHARED");
        Path root = env != null && !env.isBlank() ? Path.of(env) : Path.of("").toAbsolutePath().resolveSibling("shared");
        Path traces = root.resolve("traces");
        if (!Files.isDirectory(traces)) {
            throw new IllegalStateException("shared traces not found at " + traces + " (set SMTREPLAY_SHARED)");
        }
        return traces;
    }

    /** Every line of every shared trace, in file order. */
    public static List<String> sharedLines() throws IOException {
        Path traces = sharedTraces();
        List<Path> files;
        try (Stream<Path> top = Files.list(traces); Stream<Path> lab = Files.list(traces.resolve("lab"))) {
            files = Stream.concat(top, lab).filter(p -> p.toString().endsWith(".txt") || p.toString().endsWith(".gz"))
                    .sorted().collect(Collectors.toList());
        }
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            try (InputStream raw = Files.newInputStream(f);
                 InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            }
        }
        return lines;
    }

    /** Writes (or reuses) the benchmark file with at least {@code minLines} lines. */
    public static Path build(Path out, long minLines) throws IOException {
        if (Files.exists(out) && countLines(out) >= minLines) {
            return out;
        }
        List<String> lines = sharedLines();
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            long written = 0;
            for (int rep = 0; written < minLines; rep++) {
                long shift = rep * 1000L;
                for (String line : lines) {
                    w.write(shift == 0 ? line : shifted(line, shift));
                    w.newLine();
                    written++;
                }
            }
        }
        return out;
    }

    private static String shifted(String line, long seconds) {
        Matcher m = TIMESTAMP.matcher(line);
        if (!m.find()) {
            return line;
        }
        return line.substring(0, m.start(2)) + (Long.parseLong(m.group(2)) + seconds) + line.substring(m.end(2));
    }

    private static long countLines(Path file) throws IOException {
        try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
            return s.count();
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/target/parse-bench-trace.txt");
        long lines = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000;
        System.out.println(build(out, lines) + ": " + countLines(out) + " lines");
    }
}
