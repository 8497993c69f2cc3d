package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.ingest.testing.SharedTraces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatCommandTest {

    private static String run(String... args) {
        var run = Cli.run("stat", args);
        assertEquals(0, run.code(), run.err());
        return run.out();
    }

    @Test
    void jsonCountsLinesEventsRefusalsAndExitsPerLevelAndReason(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.txt");
        Files.writeString(trace, String.join("\n",
                "# tracer: nop",
                "  v-10 [001] d.... 1.000000: kvm_exit: vcpu 0 reason HLT rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0",
                "  v-10 [001] d.... 1.000010: kvm_entry: vcpu 0, rip 0x2",
                "  v-10 [001] d.... 1.000020: kvm_exit: vcpu 0 reason CPUID rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0",
                "  v-10 [001] d.... 1.000021: kvm_nested_vmexit: vcpu 0 reason CPUID rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0",
                "  v-11 [002] d.... 1.000022: kvm_exit: vcpu 1 reason HLT rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0",
                "  v-10 [001] d.... 1.000050: kvm_entry: vcpu 0, rip 0x2",
                "  v-11 [002] d.... 1.000052: kvm_entry: vcpu 1, rip 0x2",
                "some prose",
                ""));
        JsonNode json = new ObjectMapper().readTree(run("--json", trace.toString()));
        assertEquals(9, json.get("lines").asLong());
        assertEquals(7, json.get("events").asLong());
        assertEquals(2, json.get("refused").asLong());
        assertEquals(1, json.get("refusedByReason").get("ftrace-header").asLong());
        assertEquals(1, json.get("refusedByReason").get("annotation").asLong());
        JsonNode rows = json.get("exitsByReason");
        assertEquals(2, rows.size());
        JsonNode l1 = rows.get(0);
        assertEquals("L1", l1.get("level").asText());
        assertEquals("HLT", l1.get("reason").asText());
        assertEquals(2, l1.get("samples").asLong());
        assertEquals(10_000, l1.get("minNs").asLong());
        assertEquals(30_000, l1.get("maxNs").asLong(), 30);
        JsonNode l2 = rows.get(1);
        assertEquals("L2", l2.get("level").asText());
        assertEquals("CPUID", l2.get("reason").asText());
        assertEquals(30_000, l2.get("p50Ns").asLong(), 30);
    }

    @Test
    void tableOfTheSharedTracesRefusesNoEventLine() {
        Path dir = SharedTraces.root().resolve("traces");
        String table = run(dir.resolve("nested-vmx-jailhouse-l1-l2-io-loop-lkml-2019.txt").toString());
        assertTrue(table.contains("L2") && table.contains("IO_INSTRUCTION"), table);
        assertTrue(table.contains("Lines read: 17   events: 17   refused lines: 0"), table);
    }

    @Test
    void aMissingFileIsAnErrorNotAStackTrace() {
        var run = Cli.run("stat", "/nonexistent/trace.txt");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("no such file: /nonexistent/trace.txt"), run.err());
    }
}
