package io.smtreplay.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.TraceFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed fixtures are there, small, complete, and made the way the lab promises. */
class LabFixturesTest {

    private static final long FIXTURE_BYTES_LIMIT = 256 * 1024;

    @Test
    void fixturesExistAndWeighKilobytes() throws IOException {
        for (LabCapture fixture : LabCapture.committedFixtures()) {
            long bytes;
            try (Stream<Path> files = Files.walk(fixture.dir())) {
                bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            assertTrue(bytes > 0 && bytes <= FIXTURE_BYTES_LIMIT, fixture + " weighs " + bytes + " bytes");
        }
    }

    @Test
    void everyFixtureHasTheNestedWorkloadInAllThreeFormats() {
        for (LabCapture fixture : LabCapture.committedFixtures()) {
            assertTrue(fixture.workloads().contains("nested"), fixture + " lacks the nested workload");
            for (String workload : fixture.workloads()) {
                assertEquals(List.of(TraceFormat.FTRACE, TraceFormat.TRACE_CMD, TraceFormat.PERF_SCRIPT),
                        fixture.formats(workload), fixture + " " + workload);
                for (TraceFormat format : fixture.formats(workload)) {
                    assertTrue(Files.isRegularFile(fixture.file(workload, format)), fixture.file(workload, format).toString());
                }
            }
        }
    }

    @Test
    void fixturesAreDeterministicSvmCapturesFromADebianKernel() {
        for (LabCapture fixture : LabCapture.committedFixtures()) {
            assertTrue(fixture.manifest().path("deterministic").asBoolean(), fixture + " not made with --deterministic");
            assertEquals("svm", fixture.manifest().path("isa").asText());
            assertTrue(fixture.manifest().path("kernel_package").asText().matches("linux-image-[0-9.]+-[0-9]+-amd64"),
                    fixture.manifest().path("kernel_package").asText());
        }
    }
}
