package io.smtreplay.cli;

import io.smtreplay.profile.CostProfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.ingest.testing.CommandRun;
import io.smtreplay.ingest.testing.SharedTraces;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectCommandTest {

    @TempDir
    Path dir;

    static CommandRun project(String... args) {
        return CommandRun.of((out, err) -> Smtreplay.run(out, err, Cli.with("project", args)));
    }

    @Test
    void labNestedTraceGetsATablePerConfiguration() {
        String lab = SharedTraces.named("svm-nested-tinyvmm-k6.1-n2000.txt.gz").toString();
        CommandRun run = project("--profile", "svm-lkml2020", lab);
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("app svm-nested-tinyvmm-k6.1-n2000:"), run.out());
        assertTrue(run.out().contains("L2_EXIT_REFLECTED 6000"), run.out());
        assertTrue(run.out().contains("incomplete 1 {TRACE_ENDED=1}"), run.out());
        for (String config : new String[] {"baseline", "svt-sw", "svt-hw"}) {
            assertTrue(run.out().lines().anyMatch(l -> l.trim().startsWith(config + " ")), config + " row in\n" + run.out());
        }
        assertTrue(run.out().contains("reasons saving most on svt-hw"), run.out());
    }

    @Test
    void jsonCarriesTheSameFiguresForScripts() throws Exception {
        String lab = SharedTraces.named("svm-nested-tinyvmm-k6.1-n2000.txt.gz").toString();
        CommandRun run = project("--json", "--profile", "svm-lkml2020", "--app", "tinyvmm", "--config", "svt-hw,baseline", lab);
        assertEquals(0, run.code(), run.err());
        JsonNode root = new ObjectMapper().readTree(run.out());
        JsonNode app = root.get("apps").get(0);
        assertEquals("tinyvmm", app.get("app").asText());
        assertEquals(6000, app.get("episodes").get("L2_EXIT_REFLECTED").asLong());
        assertEquals(6025, app.get("exits").get("L2").asLong());
        assertEquals(12058, app.get("exits").get("L1").asLong());
        assertEquals(18074.0 / 6024, app.get("exitMultiplication").asDouble(), 1e-9);
        JsonNode hw = app.get("configurations").get(0);
        assertEquals("svt-hw", hw.get("name").asText());
        assertTrue(hw.get("wallClockSpeedup").asDouble() >= 1.0);
        assertTrue(hw.get("cpuTimeSpeedup").asDouble() > 1.0);
        assertEquals(3, hw.get("contexts").asInt());
        assertEquals(hw.get("baselineNs").asLong(), app.get("configurations").get(1).get("projectedNs").asLong(),
                "baseline projects to what was observed");
        assertTrue(hw.get("reasons").size() > 0);
    }

    @Test
    void unknownConfigurationOrProfileIsABadArgument() {
        CommandRun config = project("--config", "svt-xx", "whatever.txt");
        assertEquals(2, config.code());
        assertTrue(config.err().contains("svt-xx"), config.err());
        CommandRun profile = project("--profile", "nope", "whatever.txt");
        assertEquals(2, profile.code());
        assertTrue(profile.err().contains("nope"), profile.err());
        assertEquals(2, project().code(), "a file is required");
    }

    @Test
    void anUnreadableFileExitsWithOneNamingItOnceAndWhy() {
        String missing = dir.resolve("missing.txt").toString();
        CommandRun run = project(missing);
        assertEquals(1, run.code());
        assertEquals("smtreplay project: cannot read " + missing + ": no such file", run.err().strip());
    }

    @Test
    void userConfigurationsAreProjectedToo() throws Exception {
        Path configs = dir.resolve("configs.json");
        Files.writeString(configs, """
                { "configurations": [ { "name": "smt2-l1-alone", "contexts": 2, "partition": { "L0": 0, "L1": 1, "L2": 0 } } ] }
                """);
        String lab = SharedTraces.named("svm-nested-tinyvmm-k6.1-n2000.txt.gz").toString();
        CommandRun run = project("--json", "--profile", "svm-lkml2020", "--config-file", configs.toString(), "--config",
                "svt-sw,smt2-l1-alone", lab);
        assertEquals(0, run.code(), run.err());
        JsonNode configsOut = new ObjectMapper().readTree(run.out()).get("apps").get(0).get("configurations");
        assertEquals("smt2-l1-alone", configsOut.get(1).get("name").asText());
        assertTrue(configsOut.get(1).get("cpuTimeSpeedup").asDouble() > configsOut.get(0).get("cpuTimeSpeedup").asDouble(),
                "svt-sw's partition under another name gets the profile's default handoff (free), not svt-sw's mwait");
    }

    /**
     * A reflected L2 exit whose middle the tracer lost (ring-buffer overrun on its CPU) must not
     * be projected as if whole: it is closed as incomplete with the reason EVENTS_LOST, and the
     * vCPU's next exit starts a fresh episode.
     */
    @Test
    void anOverrunOnTheVcpusCpuClosesItsOpenEpisodeAsEventsLost() throws Exception {
        String p = "       CPU 0/KVM-4242    [002] d....   ";
        String z = " info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000";
        Path trace = dir.resolve("overrun.txt");
        Files.writeString(trace, String.join("\n",
                p + "100.000000: kvm_entry: vcpu 0, rip 0x3000",
                p + "100.000010: kvm_exit: vcpu 0 reason CPUID rip 0x3000" + z,
                p + "100.000011: kvm_nested_vmexit: vcpu 0 reason CPUID rip 0x3000" + z,
                p + "100.000012: kvm_nested_vmexit_inject: reason: CPUID ext_inf1: 0x0000000000000000 ext_inf2: 0x0000000000000000 ext_int: 0x00000000 ext_int_err: 0x00000000",
                "CPU:2 [LOST 40 EVENTS]",
                p + "100.000090: kvm_entry: vcpu 0, rip 0x3002",
                p + "100.000100: kvm_exit: vcpu 0 reason HLT rip 0x3002" + z,
                p + "100.000101: kvm_nested_vmexit: vcpu 0 reason HLT rip 0x3002" + z,
                p + "100.000102: kvm_entry: vcpu 0, rip 0x3003", ""));

        CommandRun run = project("--json", trace.toString());

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("\"EVENTS_LOST\" : 1") || run.out().contains("\"EVENTS_LOST\":1"), run.out());
        assertTrue(run.out().contains("events-lost"), run.out());
    }

    private Path synthesized(String workload) {
        Path trace = dir.resolve(workload + ".txt");
        assertEquals(0, Cli.run("synth", "--workload", workload, "--duration", "5ms", "--quiet",
                "-o", trace.toString()).code());
        return trace;
    }

    @Test
    void aTraceOfAnotherIsaThanTheProfilesIsRefusedInOneLineUnlessTheUserInsists() {
        String lab = SharedTraces.named("svm-nested-tinyvmm-k6.1-n2000.txt.gz").toString();
        CommandRun refused = project(lab);
        assertEquals(2, refused.code(), refused.out());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains("isca19-table1 was measured on VMX") && refused.err().contains("is SVM")
                && refused.err().contains("--allow-isa-mismatch"), refused.err());
        assertTrue(refused.out().isEmpty(), "no projection printed: " + refused.out());

        CommandRun insisted = project("--allow-isa-mismatch", lab);
        assertEquals(0, insisted.code(), insisted.err());
        assertTrue(insisted.out().contains("WARNING: profile isca19-table1 was measured on VMX"), insisted.out());
    }

    @Test
    void everySpeedupCarriesTheBandOfTheProfilesFamily() throws Exception {
        CommandRun run = project("--json", synthesized("cpuid-loop").toString());
        assertEquals(0, run.code(), run.err());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals(io.smtreplay.profile.CostProfiles.loadFamily("isca19-table1").members().size(),
                root.get("profile").get("familyMembers").asInt());
        assertEquals("fitted", root.get("profile").get("kinds").get("handoff.svt-sw").asText());
        for (JsonNode c : root.get("apps").get(0).get("configurations")) {
            for (String metric : new String[] {"wallClock", "cpuTime"}) {
                double speedup = c.get(metric + "Speedup").asDouble();
                JsonNode band = c.get(metric + "Band");
                assertTrue(band.get("low").asDouble() <= speedup && speedup <= band.get("high").asDouble(),
                        c.toString());
                if (c.get("name").asText().equals("svt-hw")) {
                    assertTrue(band.get("high").asDouble() - band.get("low").asDouble() > 0.1,
                            "k and the hardware handoff move svt-hw: " + band);
                }
            }
        }
        CommandRun text = project(synthesized("cpuid-loop").toString());
        assertTrue(text.out().lines().anyMatch(l -> l.trim().startsWith("svt-hw") && l.matches(".*\\d\\.\\d{3}-\\d\\.\\d{3}.*")),
                text.out());
    }

    @Test
    void aSweepPrintsTheSensitivityAndWritesCsvAndSvg() throws Exception {
        Path csv = dir.resolve("sweep.csv");
        CommandRun run = project("--sweep", "handoff.svt-hw=0:400:100", "-o", csv.toString(),
                synthesized("cpuid-loop").toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("sensitivity of the wall-clock speedup (x) to handoff.svt-hw"), run.out());
        var lines = Files.readAllLines(csv);
        assertEquals(6, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("\"handoff.svt-hw (ns)\""), lines.get(0));
        double previous = Double.POSITIVE_INFINITY;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            double hw = Double.parseDouble(cells[cells.length - 1]);
            assertTrue(hw < previous, "svt-hw gets slower as its handoff costs more: " + lines);
            previous = hw;
        }
        String svg = Files.readString(dir.resolve("sweep.svg"));
        assertTrue(svg.startsWith("<svg") && svg.strip().endsWith("</svg>") && svg.contains("<polyline"), svg);

        CommandRun unknown = project("--sweep", "handoff-hw=0:400:100", synthesized("cpuid-loop").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no profile parameter handoff-hw"), unknown.err());
        assertEquals(2, project("--sweep", "handoff.svt-hw=400:0:100", "x.txt").code(), "a reversed range");
        assertEquals(2, project("-o", csv.toString(), "x.txt").code(), "-o without --sweep");
    }

    /** The wall-clock figure is called a lower bound only when some wait was held fixed for want of a cause. */
    @Test
    void theUnexplainedWaitLineSaysLowerBoundOnlyWhenAWaitWasHeldFixed() {
        assertEquals("  waiting with no visible cause: 0.0 % of wall time", ProjectReport.unexplainedWaitLine(0));
        assertEquals("  waiting with no visible cause: 25.0 % of wall time, held fixed (wall-clock speedups are lower bounds)",
                ProjectReport.unexplainedWaitLine(0.25));
    }
}
