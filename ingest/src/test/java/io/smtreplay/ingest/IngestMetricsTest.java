package io.smtreplay.ingest;

import io.smtreplay.trace.Labels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The ingest counters as Prometheus scrapes them, over real HTTP. */
class IngestMetricsTest {

    @Test
    void countersAreServedWithTheirLabels() throws Exception {
        try (IngestMetrics metrics = new IngestMetrics()) {
            int port = metrics.serve(0);
            Labels labels = new Labels("l0-a", null, "shop");
            metrics.event(labels);
            metrics.event(labels);
            metrics.refused(labels, "annotation");
            metrics.eventsLostMarks(labels, 3);
            String body = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(body.contains("smtreplay_ingest_events_total{app=\"shop\",host=\"l0-a\"} 2.0"), body);
            assertTrue(body.contains("smtreplay_ingest_refused_lines_total{app=\"shop\",host=\"l0-a\",reason=\"annotation\"} 1.0"), body);
            assertTrue(body.contains("smtreplay_ingest_events_lost_marks_total{app=\"shop\",host=\"l0-a\"} 3.0"), body);
        }
    }
}
