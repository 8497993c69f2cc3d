package io.smtreplay.ingest;

import io.smtreplay.trace.Labels;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/**
 * Ingest counters for Prometheus (client 1.x, which does not clash with the simpleclient Flink
 * bundles): events published, lines refused by reason,
 * events-lost marks published, send failures. Served on
 * {@code /metrics} only when a port is given.
 */
public final class IngestMetrics implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter events = Counter.builder().name("smtreplay_ingest_events_total")
            .help("trace events published to Kafka").labelNames("host", "app").register(registry);
    private final Counter refused = Counter.builder().name("smtreplay_ingest_refused_lines_total")
            .help("trace lines refused and sent to the dead-letter topic").labelNames("host", "app", "reason").register(registry);
    private final Counter eventsLostMarks = Counter.builder().name("smtreplay_ingest_events_lost_marks_total")
            .help("EVENTS_LOST marks published for lost-event lines (one per vCPU thread last seen on the CPU that lost events)")
            .labelNames("host", "app").register(registry);
    private final Counter sendErrors = Counter.builder().name("smtreplay_ingest_send_errors_total")
            .help("records Kafka did not acknowledge").register(registry);
    private HTTPServer server;

    /** Serves {@code /metrics} on {@code port} (0: any free port); returns the port. */
    public int serve(int port) throws IOException {
        server = HTTPServer.builder().port(port).registry(registry).buildAndStart();
        return server.getPort();
    }

    public void event(Labels labels) {
        events.labelValues(labels.host(), labels.app()).inc();
    }

    public void refused(Labels labels, String reason) {
        refused.labelValues(labels.host(), labels.app(), reason).inc();
    }

    public void eventsLostMarks(Labels labels, long n) {
        eventsLostMarks.labelValues(labels.host(), labels.app()).inc(n);
    }

    public void sendErrors(long n) {
        sendErrors.inc(n);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
