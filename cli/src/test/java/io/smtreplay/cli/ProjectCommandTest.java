package io.smtreplay.cli;

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
        CommandRun run = project(lab);
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
        CommandRun run = project("--json", "--app", "tinyvmm", "--config", "svt-hw,baseline", lab);
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
        CommandRun run = project("--json", "--config-file", configs.toString(), "--config", "svt-sw,smt2-l1-alone", lab);
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
}
