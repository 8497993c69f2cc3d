package io.smtreplay.ingest.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real traces in the shared folder ({@code SMTREPLAY_SHARED}, else {@code ../shared} from the
 * repository root). Missing: a test fails when {@code CI} is set, and is skipped otherwise.
 */
public final class SharedTraces {

    private SharedTraces() {
    }

    /** The shared folder; fails (CI) or skips (not CI) the calling test when it is missing. */
    public static Path root() {
        String env = System.getenv("SMTREPLAY_SHARED");
        Path root = env != null && !env.isBlank() ? Path.of(env) : findUpwards();
        boolean present = root != null && Files.isDirectory(root.resolve("traces"));
        if (!present) {
            String message = "shared traces not found (set SMTREPLAY_SHARED or put them at ../shared): " + root;
            if (System.getenv("CI") != null) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return root;
    }

    /** Every trace file: traces/*.txt and traces/lab/*.gz (SOURCES.md is a description, not a trace). */
    public static List<Path> all() {
        Path traces = root().resolve("traces");
        try (Stream<Path> top = Files.list(traces); Stream<Path> lab = Files.list(traces.resolve("lab"))) {
            List<Path> files = Stream.concat(top, lab)
                    .filter(p -> p.toString().endsWith(".txt") || p.toString().endsWith(".gz"))
                    .sorted()
                    .collect(Collectors.toList());
            Assertions.assertFalse(files.isEmpty(), "no trace files under " + traces);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One trace by file name, under traces/ or traces/lab/; a missing file fails the test. */
    public static Path named(String fileName) {
        Path traces = root().resolve("traces");
        Path p = traces.resolve(fileName);
        Path file = Files.exists(p) ? p : traces.resolve("lab").resolve(fileName);
        Assertions.assertTrue(Files.isRegularFile(file), "shared trace " + fileName + " not found under " + traces);
        return file;
    }

    /**
     * The lines of a file (a trace, or what a command wrote), gunzipped when its name ends in
     * .gz: read here without the parser, for tests to check it against.
     */
    public static List<String> lines(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().collect(Collectors.toList());
        }
    }

    private static Path findUpwards() {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("traces")) && Files.exists(dir.resolve("pom.xml"))) {
                return candidate;
            }
        }
        return null;
    }
}
