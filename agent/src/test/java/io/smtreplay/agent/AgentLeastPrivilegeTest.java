package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.local.InProcessKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The agent as the DaemonSet runs it: uid 0 with every capability dropped ({@code setpriv
 * --inh-caps=-all --bounding-set=-all}, checked in the process's own {@code /proc/<pid>/status}),
 * its metrics scraped by a real Prometheus (Debian's binary) while a real guest exits, and
 * stopped by SIGTERM: every kvm_pio event on the topic, the counters in Prometheus, the tracefs
 * instance gone. With no {@code CAP_SYS_NICE} the agent still puts everything but its ring-buffer
 * readers below the guests' priority (the readers stay at the priority it started with).
 */
class AgentLeastPrivilegeTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final long EXITS = 20_000;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void withNoCapabilityTheAgentCapturesAndPrometheusScrapesIt() throws Exception {
        LiveKernel.requireTool(PROMETHEUS, "prometheus is not installed");
        try (LiveKernel kernel = LiveKernel.require(); InProcessKafka kafka = InProcessKafka.start()) {
            String instance = "smtreplay-noprivs-" + ProcessHandle.current().pid();
            int metricsPort = freePort();
            Process agent = new ProcessBuilder("setpriv", "--inh-caps=-all", "--bounding-set=-all", "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + Files.createDirectories(kernel.work().resolve("tmp")),
                    "-cp", System.getProperty("java.class.path"), AgentProcessMain.class.getName(),
                    kafka.bootstrapServers(), "noprivs", kernel.work().resolve("spool").toString(), "noprivs-host", instance, "0",
                    Integer.toString(metricsPort))
                    .redirectErrorStream(true).redirectOutput(kernel.work().resolve("agent.log").toFile()).start();
            Process prometheus = null;
            try {
                awaitInstance(instance, agent, kernel);
                Map<String, String> status = status(agent.pid());
                assertEquals("0", status.get("Uid").split("\\s+")[1], "effective uid 0");
                for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
                    assertEquals(0L, Long.parseLong(status.get(set), 16), set + " of the agent process");
                }

                int prometheusPort = freePort();
                Path config = kernel.work().resolve("prometheus.yml");
                Files.writeString(config, """
                        global:
                          scrape_interval: 1s
                        scrape_configs:
                          - job_name: agent
                            static_configs:
                              - targets: ['127.0.0.1:%d']
                        """.formatted(metricsPort));
                prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                        "--storage.tsdb.path=" + kernel.work().resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                        .redirectErrorStream(true).redirectOutput(kernel.work().resolve("prometheus.log").toFile()).start();

                int tid = kernel.runGuest(EXITS);
                // the guest's PIO exits make several kvm events each: at least EXITS read
                assertTrue(awaitValue(prometheusPort, "sum(smtreplay_agent_events_read_total{job=\"agent\"})", EXITS) >= EXITS);
                // published and spooled count Kafka records (batches of one vCPU's events, docs/wire.md):
                // once everything read is spooled, Kafka acknowledges every spooled record
                assertEquals(1.0, awaitValue(prometheusPort, "(smtreplay_agent_records_published_total{job=\"agent\"} > bool 0)"
                        + " * (smtreplay_agent_records_published_total{job=\"agent\"}"
                        + " >= bool smtreplay_agent_records_spooled_total{job=\"agent\"})", 1));
                assertEquals(0.0, awaitValue(prometheusPort, "sum(smtreplay_agent_events_lost_total{job=\"agent\"}) or vector(0)", 0));
                assertEquals(2.0, awaitValue(prometheusPort,
                        "count({__name__=~\"smtreplay_agent_decode_(backlog_pages|lag_seconds)\",job=\"agent\"})", 2),
                        "the decode backlog and lag gauges are exported");
                awaitPriorities(agent.pid());

                agent.destroy(); // SIGTERM, as the kubelet stops a pod
                assertTrue(agent.waitFor(3, TimeUnit.MINUTES), "SIGTERM stops the agent");
                assertEquals(0, agent.exitValue(), Files.readString(kernel.work().resolve("agent.log")));
                assertFalse(Files.exists(LiveKernel.TRACEFS.resolve("instances").resolve(instance)), "the agent removed its instance");
                long pio = CommittedTopic.readAllEvents(kafka.bootstrapServers(), "noprivs").stream()
                        .filter(e -> e.getThreadId() == tid && e.getTracepoint().equals("kvm_pio")).count();
                assertEquals(EXITS, pio, "kvm_pio events of the guest captured with no capability");
            } finally {
                if (prometheus != null) {
                    prometheus.destroy();
                    prometheus.waitFor(20, TimeUnit.SECONDS);
                }
                agent.destroyForcibly();
                agent.waitFor(30, TimeUnit.SECONDS);
                LiveKernel.removeInstance(instance);
            }
        }
    }

    /**
     * The readers ({@code agent-cpuN}) at the nice value the agent was started with (this test
     * thread's: Maven may run under {@code nice}), as does the one that starts them; every other
     * thread of the agent's JVM at {@link Agent#DEFAULT_DECODE_NICE}: the compilers, the collector,
     * the merger, Kafka's producer.
     * Polled: a thread the JVM started from a not yet lowered one is lowered by the next sweep.
     */
    private static void awaitPriorities(long pid) throws Exception {
        int started = BackgroundPriority.niceOf(BackgroundPriority.currentTid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String threads = "";
        while (System.nanoTime() < deadline) {
            Map<String, Integer> nice = new java.util.TreeMap<>();
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        nice.put(Files.readString(task.resolve("comm")).strip() + "/" + task.getFileName(),
                                BackgroundPriority.niceFromStat(Files.readString(task.resolve("stat"))));
                    } catch (java.nio.file.NoSuchFileException ended) {
                        // a thread that ended while listed
                    }
                }
            }
            threads = nice.toString();
            long readers = nice.entrySet().stream().filter(e -> e.getKey().startsWith("agent-cpu") && e.getValue() == started).count();
            // the thread that starts the readers (comm is cut at 15 characters) keeps the start priority too
            boolean othersLowered = nice.entrySet().stream()
                    .filter(e -> !e.getKey().startsWith("agent-cpu") && !e.getKey().startsWith("agent-reader-st"))
                    .allMatch(e -> e.getValue() == Agent.DEFAULT_DECODE_NICE);
            if (readers == Runtime.getRuntime().availableProcessors() && othersLowered
                    && nice.keySet().stream().anyMatch(k -> k.startsWith("C1 CompilerThre"))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("expected the agent-cpuN threads at nice " + started + ", every other at " + Agent.DEFAULT_DECODE_NICE + ": " + threads);
    }

    /** The agent JVM's {@code /proc/<pid>/status} fields (setpriv execs it: the pid is the JVM's). */
    private static Map<String, String> status(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).strip(),
                        (a, b) -> a));
    }

    private static void awaitInstance(String instance, Process agent, LiveKernel kernel) throws Exception {
        Path dir = LiveKernel.TRACEFS.resolve("instances").resolve(instance);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve("tracing_on"))) {
            assertTrue(agent.isAlive(), "the agent ended: " + Files.readString(kernel.work().resolve("agent.log")));
            assertTrue(System.nanoTime() < deadline, "the agent made no instance within 60 s");
            Thread.sleep(50);
        }
        Thread.sleep(500);
    }

    /** Polls an instant query until its value reaches {@code atLeast}; returns the last value (fails after 60 s). */
    private double awaitValue(int port, String query, double atLeast) throws Exception {
        Pattern value = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = value.matcher(last);
                if (m.find() && Double.parseDouble(m.group(1)) >= atLeast) {
                    return Double.parseDouble(m.group(1));
                }
            } catch (IOException notUpYet) {
                last = notUpYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError(query + " did not reach " + atLeast + " in Prometheus within 60 s: " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
