package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.testing.CommandRun;
import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.local.BrokerProcess;
import io.smtreplay.replay.wire.Topics;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's "Done when" on a machine with KVM: {@code smtreplay agent --duration 10s} runs inside
 * the capture lab's emulated host (real {@code kvm}/{@code kvm_amd}, real {@code kvm_exit}), reads
 * its tracefs while the {@code single} and {@code nested} workloads run, and publishes over QEMU's
 * user network to a broker on this machine; {@code replay --bounded} turns the topic into speedups
 * per app. A TCG run takes both cores for ≈ 2 min, so this test runs only when named
 * ({@code -Dtest=LabAgentReplayTest}, CI's lab step; the cli module's surefire excludes it
 * otherwise). A missing QEMU, tool or kernel fails it with the capture's own error.
 */
class LabAgentReplayTest {
    private static final List<String> WORKLOADS = List.of("single", "nested");
    private static final Pattern READ = Pattern.compile("agent: (\\d+) events read from the ring buffers");
    private static final Pattern PUBLISHED = Pattern.compile(
            "agent: (\\d+) Kafka records \\(event batches and refused lines\\) published to \\S+, (\\d+) events lost");

    @Test
    void liveEventsFromTheEmulatedHostBecomeSpeedupsPerApp(@TempDir Path work) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try (BrokerProcess broker = BrokerProcess.startAdvertisedAs("10.0.2.2", Duration.ofMinutes(4))) {
                TopicAdmin.ensureTopics(broker.bootstrapServers(), Duration.ofSeconds(60), Topics.DEFAULT.partitions(2));
                Path lab = work.resolve("lab-" + attempt);
                String failure = capture(broker.advertisedBootstrapServers(), lab, work.resolve("capture-" + attempt + ".log"));
                if (failure != null && attempt == 1 && failure.contains("LAB-ERROR: the VMM of")) {
                    // tinyvmm's own guest failed under emulation (seen once in about ten runs: a triple
                    // fault of one vCPU, KVM_EXIT_SHUTDOWN), not the agent or the replay under test: said
                    // here, and run once more on a new broker so no event of the failed run is counted
                    System.err.println("LabAgentReplayTest: the lab's guest failed, capturing again: " + failure);
                    continue;
                }
                assertEquals(null, failure, "capture-lab/capture --agent");
                checkAgentAndReplay(broker, lab);
                return;
            }
        }
    }

    private static void checkAgentAndReplay(BrokerProcess broker, Path lab) throws Exception {
        String agentOut = Files.readString(lab.resolve("agent/stdout.txt"));
        long read = Long.parseLong(match(READ, agentOut).group(1));
        Matcher published = match(PUBLISHED, agentOut);
        assertEquals("0", published.group(2), "no events lost in the agent's 16 MiB buffers: " + agentOut);
        assertEquals("", Files.readString(lab.resolve("agent/stderr.txt")), "the agent's errors");

        List<ExitEvent> events = CommittedTopic.readAllEvents(broker.bootstrapServers(), Topics.DEFAULT.exits());
        List<RejectedLine> refusals = CommittedTopic.readAll(broker.bootstrapServers(), Topics.DEFAULT.deadLetters(),
                WireCodec.rejectedLines());
        int refused = refusals.size();
        assertEquals(read, events.size() + refused, "every event the agent read is on the topic or refused, once");
        assertEquals(List.of(), refusals.stream().map(r -> r.getReason() + ": " + r.getDetail()).toList(),
                "refused by the agent (sched_waking's format was once missing)");
        Set<Long> sequences = new HashSet<>();
        events.forEach(e -> assertTrue(sequences.add(e.getSequence()), "sequence " + e.getSequence() + " twice"));
        Map<String, Long> exitsByApp = events.stream().filter(e -> e.getTracepoint().equals("kvm_exit"))
                .collect(Collectors.groupingBy(e -> e.getApp().toString(), Collectors.counting()));
        assertEquals(Set.copyOf(WORKLOADS), exitsByApp.keySet(),
                "kvm_exit events by app (each workload's cgroup labels its vCPU threads): " + exitsByApp
                        + "; the emulated host's report: " + Files.readString(lab.resolve("guest-info.txt")));

        CommandRun replay = Cli.run("replay", "--bootstrap", broker.bootstrapServers(), "--bounded", "--group", "lab-agent",
                "--metrics-port", "0", "--timeout", "3m");
        assertEquals(0, replay.code(), replay.err());
        List<AppSpeedup> results = CommittedTopic.readAll(broker.bootstrapServers(), Topics.DEFAULT.speedups(),
                WireCodec.appSpeedups());
        // for CI's log and the README's timing: what the run did, in the emulated host's time
        System.err.printf("lab agent: %d events read, %d on %s, %d refused %s, kvm_exit by app %s, speedup results by app %s;"
                + " emulated host: %s%n", read, events.size(), Topics.DEFAULT.exits(), refused,
                refusals.stream().collect(Collectors.groupingBy(r -> r.getReason().toString(), Collectors.counting())), exitsByApp,
                results.stream().collect(Collectors.groupingBy(r -> r.getApp().toString(), Collectors.counting())),
                Files.readString(lab.resolve("guest-info.txt")).lines()
                        .filter(l -> l.matches("(agent_|workload_\\w+_ms=).*")).toList());
        for (String app : WORKLOADS) {
            List<AppSpeedup> ofApp = results.stream().filter(r -> r.getApp().toString().equals(app)).toList();
            assertFalse(ofApp.isEmpty(), "speedups of " + app + " among " + results.size() + " results");
            long complete = ofApp.stream().mapToLong(r -> r.getEpisodes() - r.getIncompleteEpisodes()).sum();
            assertTrue(complete > 0, app + ": complete episodes " + complete);
            for (AppSpeedup r : ofApp) {
                assertTrue(r.getSpeedup() > 0, app + " CPU-time speedup: " + r);
                assertNotNull(r.getWallClockSpeedup(), app + " wall-clock speedup: " + r);
                assertTrue(r.getWallClockSpeedup() > 0, app + " wall-clock speedup: " + r);
            }
            long l2 = ofApp.stream().mapToLong(r -> r.getExitsByLevel().getOrDefault("L2", 0L)).sum();
            if (app.equals("nested")) {
                assertTrue(l2 > 0, "nested: L2 exits (reflected episodes) " + l2);
            } else {
                assertEquals(0, l2, app + ": L2 exits");
            }
        }
    }

    /**
     * {@code capture-lab/capture --agent …}: single and nested, 2 vCPUs, the ftrace text beside the
     * agent. Null when it succeeded, else its output.
     */
    private static String capture(String bootstrap, Path out, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(captureScript().toString(), "--workloads", String.join(",", WORKLOADS),
                "--iterations", "100", "--vcpus", "2", "--formats", "ftrace", "--agent", bootstrap, "--agent-duration", "60s",
                "--out", out.toString(), "--timeout", "300")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(15, TimeUnit.SECONDS);
            throw new AssertionError("capture-lab/capture --agent did not end within 6 min: " + Files.readString(log));
        }
        return p.exitValue() == 0 ? null : Files.readString(log);
    }

    private static Path captureScript() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("capture-lab").resolve("capture");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("capture-lab/capture not found above " + Path.of("").toAbsolutePath());
    }

    private static Matcher match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no '" + pattern + "' in the agent's output: " + text);
        }
        return m;
    }
}
