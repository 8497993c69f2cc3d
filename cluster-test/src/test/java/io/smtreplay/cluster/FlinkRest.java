package io.smtreplay.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The JobManager's REST API, as the operator and {@code flink run} use it: upload the application
 * jar ({@code POST /jars/upload}), run it ({@code POST /jars/:id/run}), and watch the job.
 */
final class FlinkRest {

    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    FlinkRest(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException closedKeepAlive) {
            // the REST server closes idle keep-alive connections; a request sent on one as it
            // closes gets no bytes back ("header parser received no bytes"): ask again, once
            r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }

    /** Uploads the jar; returns its id on the JobManager. */
    String upload(Path jar) throws IOException, InterruptedException {
        String boundary = "smtreplay-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode r = post("/jars/upload", "multipart/form-data; boundary=" + boundary, body.toByteArray());
        String file = r.path("filename").asText();
        if (!"success".equals(r.path("status").asText()) || file.isEmpty()) {
            throw new IOException("jar upload refused: " + r);
        }
        return Path.of(file).getFileName().toString();
    }

    /** Runs an uploaded jar's entry class with these arguments; returns the job id. */
    String run(String jarId, String entryClass, List<String> args, int parallelism) throws IOException, InterruptedException {
        byte[] request = json.writeValueAsBytes(Map.of("entryClass", entryClass, "programArgsList", args,
                "parallelism", parallelism));
        JsonNode r = post("/jars/" + jarId + "/run", "application/json", request);
        if (!r.hasNonNull("jobid")) {
            throw new IOException("jar run refused: " + r);
        }
        return r.get("jobid").asText();
    }

    String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** /jobs/:id/checkpoints: counts (completed, restored …) and the latest restore. */
    JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    int registeredTaskManagers() throws IOException, InterruptedException {
        return get("/taskmanagers").path("taskmanagers").size();
    }

    /** Resource ids of the TaskManagers running any of the job's tasks now. */
    Set<String> taskManagersOf(String jobId) throws IOException, InterruptedException {
        Set<String> ids = new HashSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers").path("taskmanagers")) {
                if (tm.path("status").asText().equals("RUNNING")) {
                    ids.add(tm.path("taskmanager-id").asText());
                }
            }
        }
        return ids;
    }

    private JsonNode post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }
}
