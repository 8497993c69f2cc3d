package io.smtreplay.agent;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's Prometheus metrics (client 1.x, as ingest's): what was read per CPU, lost per CPU
 * (the kernel's overruns), spooled, published, and how far publishing lags. Served on
 * {@code /metrics} only when a port is given.
 */
public final class AgentMetrics implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter pages = Counter.builder().name("smtreplay_agent_pages_read_total")
            .help("ring-buffer pages read from trace_pipe_raw").labelNames("cpu").register(registry);
    private final Counter bytes = Counter.builder().name("smtreplay_agent_bytes_read_total")
            .help("bytes read from trace_pipe_raw").labelNames("cpu").register(registry);
    private final Counter events = Counter.builder().name("smtreplay_agent_events_read_total")
            .help("records read from the ring buffers").labelNames("cpu").register(registry);
    private final Counter lost = Counter.builder().name("smtreplay_agent_events_lost_total")
            .help("events the kernel overwrote or dropped before the agent read them").labelNames("cpu").register(registry);
    private final Counter spooled = Counter.builder().name("smtreplay_agent_records_spooled_total")
            .help("Kafka records written to the local spool").register(registry);
    private final Counter spooledBytes = Counter.builder().name("smtreplay_agent_spool_bytes_total")
            .help("bytes written to the local spool").register(registry);
    private final Counter published = Counter.builder().name("smtreplay_agent_records_published_total")
            .help("Kafka records acknowledged by the broker").register(registry);
    private final Counter deliveryFailures = Counter.builder().name("smtreplay_agent_delivery_failures_total")
            .help("batches Kafka did not acknowledge (resent from the spool)").register(registry);
    private final Counter spoolFullSeconds = Counter.builder().name("smtreplay_agent_spool_full_seconds_total")
            .help("time the agent waited because the spool was at its size bound").register(registry);
    private final Gauge backlog = Gauge.builder().name("smtreplay_agent_spool_backlog_records")
            .help("spooled records not yet acknowledged by Kafka").register(registry);
    private final Gauge backlogBytes = Gauge.builder().name("smtreplay_agent_spool_backlog_bytes")
            .help("spool bytes not yet acknowledged by Kafka").register(registry);
    private final Gauge lag = Gauge.builder().name("smtreplay_agent_publish_lag_seconds")
            .help("age of the newest acknowledged event when it was acknowledged").register(registry);
    private final Gauge decodeBacklogPages = Gauge.builder().name("smtreplay_agent_decode_backlog_pages")
            .help("ring-buffer pages read and not yet decoded (decoding runs below the guests' priority)").register(registry);
    private final Gauge decodeLag = Gauge.builder().name("smtreplay_agent_decode_lag_seconds")
            .help("age of the oldest event read and not yet decoded (0 when decoding keeps up)").register(registry);
    private final AtomicLong eventsReadCount = new AtomicLong();
    private final AtomicLong publishedCount = new AtomicLong();
    private final AtomicLong lostCount = new AtomicLong();
    private HTTPServer server;

    /** Serves {@code /metrics} on {@code port} (0: any free port); returns the port. */
    public int serve(int port) throws IOException {
        server = HTTPServer.builder().port(port).registry(registry).buildAndStart();
        return server.getPort();
    }

    void pageRead(int cpu, int n, int records) {
        String c = Integer.toString(cpu);
        pages.labelValues(c).inc();
        bytes.labelValues(c).inc(n);
        events.labelValues(c).inc(records);
        eventsReadCount.addAndGet(records);
    }

    void lost(int cpu, long n) {
        lost.labelValues(Integer.toString(cpu)).inc(n);
        lostCount.addAndGet(n);
    }

    void spooled(int bytes) {
        spooled.inc();
        spooledBytes.inc(bytes);
    }

    void spoolBacklog(long records, long bytes) {
        backlog.set(records);
        backlogBytes.set(bytes);
    }

    void spoolFullWait(long ns) {
        spoolFullSeconds.inc(ns / 1e9);
    }

    void published(long n, long newestTimestampNs) {
        published.inc(n);
        publishedCount.addAndGet(n);
        if (newestTimestampNs > 0) {
            lag.set((System.nanoTime() - newestTimestampNs) / 1e9);
        }
    }

    void decodeBacklog(long pages, long lagNs) {
        decodeBacklogPages.set(pages);
        decodeLag.set(lagNs / 1e9);
    }

    void deliveryFailure() {
        deliveryFailures.inc();
    }

    /** Records read from the ring buffers so far, all CPUs: each became an event or a refusal. */
    public long eventsRead() {
        return eventsReadCount.get();
    }

    /** Records Kafka acknowledged so far. */
    public long publishedRecords() {
        return publishedCount.get();
    }

    /** Events the kernel lost, all CPUs. */
    public long lostEvents() {
        return lostCount.get();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
