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

    /** perf cannot start after L1's boot (it ignores tracing_on): kvm-on-kvm has the other two. */
    private static List<TraceFormat> formatsOf(String workload) {
        return workload.equals(LabKvmOnKvmTest.WORKLOAD) ? List.of(TraceFormat.FTRACE, TraceFormat.TRACE_CMD)
                : List.of(TraceFormat.FTRACE, TraceFormat.TRACE_CMD, TraceFormat.PERF_SCRIPT);
    }

    /** A fixture of tinyvmm's own workloads (not only kvm-on-kvm) includes the nested one. */
    private static boolean isTinyvmmFixture(LabCapture fixture) {
        return !fixture.workloads().equals(List.of(LabKvmOnKvmTest.WORKLOAD));
    }

    @Test
    void everyFixtureHasItsWorkloadsInEveryFormatTheyRecord() {
        assertTrue(LabCapture.committedFixtures().stream().anyMatch(f -> f.workloads().contains("nested")),
                "no fixture has the nested workload");
        assertTrue(LabCapture.committedFixtures().stream().anyMatch(f -> f.workloads().contains(LabKvmOnKvmTest.WORKLOAD)),
                "no fixture has the kvm-on-kvm workload");
        for (LabCapture fixture : LabCapture.committedFixtures()) {
            assertTrue(!isTinyvmmFixture(fixture) || fixture.workloads().contains("nested"), fixture + " lacks the nested workload");
            for (String workload : fixture.workloads()) {
                assertEquals(formatsOf(workload), fixture.formats(workload), fixture + " " + workload);
                for (TraceFormat format : fixture.formats(workload)) {
                    assertTrue(Files.isRegularFile(fixture.file(workload, format)), fixture.file(workload, format).toString());
                }
            }
        }
    }

    /**
     * tinyvmm's fixtures are deterministic; kvm-on-kvm's cannot be (a Linux L1 with its own timers
     * on two emulated CPUs, and QEMU hangs bringing up a second CPU under -icount): its tests check
     * structure and ranges, never an exact sequence.
     */
    @Test
    void fixturesAreSvmCapturesFromADebianKernelDeterministicWhereTheyCanBe() {
        for (LabCapture fixture : LabCapture.committedFixtures()) {
            assertEquals(isTinyvmmFixture(fixture), fixture.manifest().path("deterministic").asBoolean(),
                    fixture + ": deterministic");
            assertEquals("svm", fixture.manifest().path("isa").asText());
            assertTrue(fixture.manifest().path("kernel_package").asText().matches("linux-image-[0-9.]+-[0-9]+-amd64"),
                    fixture.manifest().path("kernel_package").asText());
        }
    }
}
