package io.smtreplay.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.stream.Collectors;

/** Debian's Prometheus server scraping given targets every second, and its query API. */
final class PrometheusServer {

    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private PrometheusServer(int port) {
        this.port = port;
    }

    /** @param targets job name to HOST:PORT targets */
    static PrometheusServer start(ChildProcesses children, Path dir, java.util.Map<String, List<String>> targets) throws IOException {
        int port = Ports.free();
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        String jobs = targets.entrySet().stream().map(e -> """
                  - job_name: %s
                    static_configs:
                      - targets: [%s]
                """.formatted(e.getKey(), e.getValue().stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))))
                .collect(Collectors.joining());
        Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n" + jobs);
        children.start(List.of(BINARY.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port), java.util.Map.of(), dir, dir.resolve("prometheus.log"));
        return new PrometheusServer(port);
    }

    /** Polls an instant query until it returns series; throws with the last answer when none come. */
    JsonNode poll(String query, Duration timeout) throws InterruptedException {
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
        throw new AssertionError("no series for " + query + ": " + last);
    }

    /** The PromQL of every panel of a Grafana dashboard, with its variables set to "all". */
    static List<String> dashboardQueries(Path dashboard) throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(dashboard.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText().replace("$app", ".*").replace("$config", ".*"));
            }
        }
        return queries;
    }
}
