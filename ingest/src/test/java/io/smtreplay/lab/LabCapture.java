package io.smtreplay.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.trace.TraceFormat;
import org.junit.jupiter.params.provider.Arguments;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One output folder of {@code capture-lab/capture} (a fresh capture or a committed fixture), read
 * through its manifest: which workloads ran with which parameters, what they must produce, and
 * which file holds each tool's text of each workload.
 */
record LabCapture(String name, Path dir, JsonNode manifest) {

    /** Set by .ci/run to the folder of the capture it just made. */
    static final String FRESH_CAPTURE_ENV = "SMTREPLAY_LAB_CAPTURE";

    static LabCapture open(Path dir) {
        Path manifestFile = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifestFile)) {
            throw new AssertionError("no manifest.json in lab capture " + dir);
        }
        try {
            return new LabCapture(dir.getFileName().toString(), dir, new ObjectMapper().readTree(manifestFile.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The committed fixtures, and the fresh capture when {@value #FRESH_CAPTURE_ENV} names one.
     * Missing fixtures are an error, never a skip: they are part of the repository.
     */
    static List<LabCapture> all() {
        List<LabCapture> captures = new ArrayList<>(committedFixtures());
        String fresh = System.getenv(FRESH_CAPTURE_ENV);
        if (fresh != null && !fresh.isBlank()) {
            captures.add(open(Path.of(fresh)));
        }
        return captures;
    }

    static List<LabCapture> committedFixtures() {
        Path fixtures = fixturesDir();
        try (Stream<Path> dirs = Files.list(fixtures)) {
            List<LabCapture> found = dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
                    .sorted().map(LabCapture::open).toList();
            if (found.isEmpty()) {
                throw new AssertionError("no lab fixture (a folder with manifest.json) in " + fixtures);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** capture-lab/fixtures of this checkout, found from the module's working directory upwards. */
    static Path fixturesDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("capture-lab").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("capture-lab/fixtures not found above " + Path.of("").toAbsolutePath());
    }

    /** One test case per (capture, workload, format) of {@link #all()} that passes the filter. */
    static List<Arguments> texts(BiPredicate<String, TraceFormat> workloadAndFormat) {
        List<Arguments> texts = new ArrayList<>();
        for (LabCapture capture : all()) {
            for (String workload : capture.workloads()) {
                for (TraceFormat format : capture.formats(workload)) {
                    if (workloadAndFormat.test(workload, format)) {
                        texts.add(Arguments.of(capture, workload, format));
                    }
                }
            }
        }
        return texts;
    }

    List<String> workloads() {
        List<String> names = new ArrayList<>();
        manifest.path("workloads").fieldNames().forEachRemaining(names::add);
        return names;
    }

    JsonNode parameters() {
        return manifest.path("parameters");
    }

    int vcpus() {
        return parameters().path("vcpus").asInt();
    }

    /** What the workload must produce, derived by the capture from its parameters. */
    long expected(String workload, String what) {
        JsonNode n = manifest.path("workloads").path(workload).path("expected").path(what);
        if (!n.isIntegralNumber()) {
            throw new AssertionError(name + ": manifest has no expected." + what + " for workload " + workload);
        }
        return n.asLong();
    }

    List<TraceFormat> formats(String workload) {
        List<TraceFormat> formats = new ArrayList<>();
        manifest.path("workloads").path(workload).path("events").fieldNames()
                .forEachRemaining(f -> formats.add(TraceFormat.ofCliName(f)));
        return formats;
    }

    private JsonNode events(String workload, TraceFormat format) {
        JsonNode n = manifest.path("workloads").path(workload).path("events").path(format.cliName());
        if (n.isMissingNode()) {
            throw new AssertionError(name + ": no " + format.cliName() + " text for workload " + workload);
        }
        return n;
    }

    /** Event lines the capture counted in that file (grep, independent of our parsers). */
    long eventLines(String workload, TraceFormat format) {
        return events(workload, format).path("total").asLong(-1);
    }

    /** Event lines per tracepoint, as counted by the capture. */
    Map<String, Long> eventLinesByTracepoint(String workload, TraceFormat format) {
        Map<String, Long> counts = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = events(workload, format).path("by_event").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            counts.put(e.getKey(), e.getValue().asLong());
        }
        return counts;
    }

    Path file(String workload, TraceFormat format) {
        return dir.resolve(events(workload, format).path("file").asText());
    }

    /** The tool's text, gunzipped when the fixture is compressed. */
    BufferedReader open(String workload, TraceFormat format) {
        Path file = file(workload, format);
        try {
            InputStream in = Files.newInputStream(file);
            if (file.toString().endsWith(".gz")) {
                in = new GZIPInputStream(in);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
