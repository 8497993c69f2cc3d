package io.smtreplay.cli;
import io.smtreplay.synth.TraceSynthesizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynthCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheTraceAndItsGroundTruthAndExitsZero() throws Exception {
        Path trace = dir.resolve("t.txt");
        Path truth = dir.resolve("t.json");
        int rc = Cli.run("synth", "--workload", "memcached", "--format", "perf", "--kernel", "5.10", "--isa", "svm",
                "--vcpus", "3", "--duration", "2ms", "--seed", "3", "-o", trace.toString(), "--truth", truth.toString(), "--quiet").code();
        assertEquals(0, rc);
        List<String> lines = Files.readAllLines(trace);
        assertTrue(lines.get(0).startsWith(TraceSynthesizer.HEADER_MARK), lines.get(0));
        JsonNode json = new ObjectMapper().readTree(truth.toFile());
        assertEquals("synthetic-memcached", json.get("app").asText());
        assertEquals(lines.size(), json.get("lines").asLong());
        long exitLines = lines.stream().filter(l -> l.contains("kvm:kvm_exit: ")).count();
        assertEquals(exitLines, json.get("l0Exits").asLong());
        assertTrue(json.get("episodes").get("L1_EXIT").asLong() > 0, "the I/O vCPU's own exits");
    }

    @Test
    void sameArgumentsGiveTheSameBytes() throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        String[] args = {"--workload", "netperf-rr", "--format", "trace-cmd", "--kernel", "4.18", "--isa", "vmx",
            "--vcpus", "2", "--duration", "3ms", "--seed", "99", "--quiet", "-o"};
        assertEquals(0, Cli.run("synth", concat(args, a.toString())).code());
        assertEquals(0, Cli.run("synth", concat(args, b.toString())).code());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void badArgumentsExitTwo() {
        assertEquals(2, Cli.run("synth", "--workload", "nope", "-o", dir.resolve("x").toString()).code());
        assertEquals(2, Cli.run("synth", "--workload", "idle", "--kernel", "3.10", "-o", dir.resolve("x").toString()).code());
        assertEquals(2, Cli.run("synth", "--workload", "idle", "--isa", "arm", "-o", dir.resolve("x").toString()).code());
        assertEquals(2, Cli.run("synth", "--workload", "idle", "--vcpus", "0", "-o", dir.resolve("x").toString()).code());
        assertEquals(2, Cli.run("synth", "--format", "ftrace").code(), "no workload");
        assertEquals(2, Cli.run("synth", "--workload", "idle", "--profile", "no-such-profile", "-o", dir.resolve("x").toString()).code());
    }

    @Test
    void anUnwritableOutputExitsOneNamingThePathOnceAndWhy() {
        String path = dir.resolve("no/such/dir/t.txt").toString();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SynthCommand());
        cli.setErr(new PrintWriter(err));
        assertEquals(1, cli.execute("--workload", "idle", "--quiet", "-o", path));
        assertEquals("smtreplay synth: cannot write " + path + ": no such directory", err.toString().strip());
    }

    @Test
    void listsTheWorkloads() {
        assertEquals(0, Cli.run("synth", "--list-workloads").code());
    }

    private static String[] concat(String[] a, String last) {
        String[] all = java.util.Arrays.copyOf(a, a.length + 1);
        all[a.length] = last;
        return all;
    }
}
