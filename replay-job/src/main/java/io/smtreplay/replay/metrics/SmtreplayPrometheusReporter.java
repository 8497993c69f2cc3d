package io.smtreplay.replay.metrics;

import io.smtreplay.trace.Labels;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;

/**
 * Flink's Prometheus reporter, plus clean names for the project's contract metrics.
 *
 * <p>Flink's reporter names every metric {@code flink_<logical scope>_<name>} and labels it with
 * every scope variable (job id, task id, subtask …); the dashboards' contract is
 * {@code smtreplay_<name>{<its own labels>}}. So metrics registered under
 * {@link ReplayMetrics#group} go to a {@link ContractCollector} (labels: the user groups added
 * after the marker; subtasks summed), and everything else goes to Flink's exporter unchanged.
 * Both are served from one registry on one port.
 */
public final class SmtreplayPrometheusReporter extends AbstractPrometheusReporter {

    public static final String PORT = "port";
    public static final int DEFAULT_PORT = 9249;
    /**
     * A name the starter of an in-process cluster gives its reporter, to learn the port it bound
     * ({@link #boundPort}): with port 0 only the reporter knows it.
     */
    public static final String INSTANCE = "instance";
    private static final java.util.Map<String, Integer> BOUND_PORTS = new java.util.concurrent.ConcurrentHashMap<>();

    private String instance;

    private final ContractCollector contract = new ContractCollector();
    private HTTPServer server;

    @Override
    public void open(MetricConfig config) {
        super.open(config);
        int port = config.getInteger(PORT, DEFAULT_PORT);
        CollectorRegistry registry = flinkRegistry();
        contract.register(registry);
        try {
            server = new HTTPServer(new InetSocketAddress(port), registry, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve Prometheus metrics on port " + port
                    + " (in use? choose another with --metrics-port)", e);
        }
        instance = config.getString(INSTANCE, null);
        if (instance != null) {
            BOUND_PORTS.put(instance, server.getPort());
        }
        log.info("Serving Prometheus metrics on port {}", server.getPort());
    }

    /** The port the reporter named {@code instance} (in this JVM) serves on, or -1 when none serves. */
    public static int boundPort(String instance) {
        return BOUND_PORTS.getOrDefault(instance, -1);
    }

    /** The port actually served (for tests that pass 0). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        if (instance != null) {
            BOUND_PORTS.remove(instance);
        }
        super.close();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        Labels labels = contractLabels(group);
        if (labels == null) {
            super.notifyOfAddedMetric(metric, metricName, group);
        } else {
            contract.add(ReplayMetrics.PREFIX + metricName, labels.names, labels.values, metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        Labels labels = contractLabels(group);
        if (labels == null) {
            super.notifyOfRemovedMetric(metric, metricName, group);
        } else {
            contract.remove(ReplayMetrics.PREFIX + metricName, labels.values, metric);
        }
    }

    private record Labels(List<String> names, List<String> values) {
    }

    /**
     * The labels of a contract metric: the (key, value) groups after the marker group in the
     * metric's scope; null when the metric is not a contract one. (Not the logical scope: Flink
     * caches that string per group, and it must stay the one Flink's exporter computes.)
     */
    private static Labels contractLabels(MetricGroup group) {
        String[] scope = group.getScopeComponents();
        int marker = -1;
        for (int i = scope.length - 1; i >= 0; i--) {
            if (ReplayMetrics.MARKER_GROUP.equals(scope[i])) {
                marker = i;
                break;
            }
        }
        if (marker < 0 || (scope.length - marker - 1) % 2 != 0) {
            return null;
        }
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = marker + 1; i < scope.length; i += 2) {
            names.add(scope[i]);
            values.add(scope[i + 1]);
        }
        return new Labels(names, values);
    }

    /**
     * Flink's exporter keeps its registry package-private; reading it lets one HTTP server serve
     * Flink's metrics and ours. The reporter test scrapes both, so an upgrade that renames the
     * field fails there, not silently.
     */
    private CollectorRegistry flinkRegistry() {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            return (CollectorRegistry) field.get(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink version's Prometheus reporter has no registry field", e);
        }
    }
}
