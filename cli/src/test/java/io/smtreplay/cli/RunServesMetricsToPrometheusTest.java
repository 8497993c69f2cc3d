package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smtreplay run --serve} in its own JVM, scraped by a real Prometheus (Debian's): every
 * metric of the README's contract is there with its labels through the query API, and stopping
 * the run (SIGTERM, as Ctrl-C) leaves no process and none of its temporary directories; every
 * query of the Grafana dashboards returns series.
 */
class RunServesMetricsToPrometheusTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    /** metric -> labels it must carry (README, "Streaming job, metrics and exactly-once"). */
    private static final Map<String, Set<String>> CONTRACT = Map.of(
            "smtreplay_wall_clock_speedup", Set.of("app", "config"),
            "smtreplay_cpu_time_speedup", Set.of("app", "config"),
            "smtreplay_unexplained_wait_ratio", Set.of("app"),
            "smtreplay_exits_total", Set.of("app", "level", "reason"),
            "smtreplay_exit_multiplication", Set.of("app"),
            "smtreplay_exit_handling_seconds", Set.of("app", "config", "quantile"),
            "smtreplay_episodes_incomplete_total", Set.of("reason"),
            "smtreplay_records_refused_total", Set.of("stage", "reason"));

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyContractMetricReachesPrometheusWithItsLabels(@TempDir Path work) throws Exception {
        if (!Files.isExecutable(PROMETHEUS)) {
            if (System.getenv("CI") != null) {
                fail("Debian's prometheus is not installed (.ci/run installs it)");
            }
            Assumptions.abort("prometheus not installed");
        }
        Set<Path> tempBefore = ourTempDirs();
        int metricsPort = freePort();
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Smtreplay.class.getName(), "run",
                "--serve", "--metrics-port", String.valueOf(metricsPort), "--demo-duration", "10ms", "--window", "20ms")
                .redirectOutput(work.resolve("run.out").toFile())
                .start();
        CountDownLatch serving = watchFor(run, "serving http://localhost:" + metricsPort + "/metrics", work.resolve("run.err"));
        Process prometheus = null;
        try {
            assertTrue(serving.await(150, TimeUnit.SECONDS), "run --serve did not get to serving; see " + work.resolve("run.err"));
            String table = Files.readString(work.resolve("run.out"));
            for (String app : List.of("synthetic-memcached", "synthetic-netperf-rr", "synthetic-fio-randread", "synthetic-cpuid-loop")) {
                assertTrue(table.contains("app " + app), "the table has " + app + ":\n" + table);
            }

            int prometheusPort = freePort();
            Path config = work.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: smtreplay
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(metricsPort));
            prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + work.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();

            for (Map.Entry<String, Set<String>> metric : CONTRACT.entrySet()) {
                JsonNode series = poll(prometheusPort, metric.getKey(), Duration.ofSeconds(40));
                for (JsonNode s : series) {
                    Set<String> labels = new java.util.HashSet<>();
                    s.get("metric").fieldNames().forEachRemaining(labels::add);
                    assertTrue(labels.containsAll(metric.getValue()), metric.getKey() + " labels " + labels);
                }
            }
            // one 20 ms window holds the whole 10 ms trace, so the gauge is the whole run's speedup
            JsonNode hw = poll(prometheusPort, "smtreplay_wall_clock_speedup{app=\"synthetic-cpuid-loop\",config=\"svt-hw\"}",
                    Duration.ofSeconds(10));
            double speedup = Double.parseDouble(hw.get(0).get("value").get(1).asText());
            assertEquals(1.94, speedup, 0.06, "cpuid-loop on svt-hw: the paper's Figure 6");
            assertTrue(poll(prometheusPort, "flink_jobmanager_numRunningJobs", Duration.ofSeconds(10)).size() > 0,
                    "Flink's own metrics are served beside ours");
            for (String query : dashboardQueries()) {
                assertTrue(poll(prometheusPort, query, Duration.ofSeconds(20)).size() > 0, "dashboard query " + query);
            }
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor(20, TimeUnit.SECONDS);
            }
            run.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook closes Flink and Kafka
            boolean exited = run.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                run.destroyForcibly();
            }
            assertTrue(exited, "run stops on SIGTERM");
        }
        assertTrue(run.exitValue() == 0 || run.exitValue() == 143, "exit " + run.exitValue());
        Set<Path> left = ourTempDirs();
        left.removeAll(tempBefore);
        assertEquals(Set.of(), left, "run left temporary directories");
    }

    /**
     * Every PromQL expression of the Grafana dashboards in grafana/dashboards, with the dashboard
     * variables set to "all": each must return series from a real run, so a renamed metric or
     * label breaks this test rather than a user's dashboard.
     */
    private List<String> dashboardQueries() throws IOException {
        Path dir = Path.of("..", "grafana", "dashboards");
        List<String> queries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                for (JsonNode panel : json.readTree(file.toFile()).path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        queries.add(target.path("expr").asText().replace("$app", ".*").replace("$config", ".*"));
                    }
                }
            }
        }
        assertTrue(queries.size() >= 8, "dashboard queries found in " + dir.toAbsolutePath() + ": " + queries);
        return queries;
    }

    /** Polls an instant query until it returns series. */
    private JsonNode poll(int port, String query, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String url = "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
                JsonNode result = json.readTree(last).path("data").path("result");
                if (result.size() > 0) {
                    return result;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no series for " + query + " (Prometheus samples arrive some seconds after start): " + last);
    }

    private static CountDownLatch watchFor(Process process, String line, Path copy) {
        CountDownLatch seen = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                    Files.write(copy, lines);
                    if (l.contains(line)) {
                        seen.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "run-stderr");
        t.setDaemon(true);
        t.start();
        return seen;
    }

    private static Set<Path> ourTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            // the run folder (broker data, checkpoints, Flink's files) and the names older runs used
            return s.filter(p -> p.getFileName().toString().startsWith("smtreplay-run-")
                    || p.getFileName().toString().startsWith("smtreplay-kafka-")
                    || p.getFileName().toString().startsWith("smtreplay-checkpoints-")).collect(Collectors.toSet());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
