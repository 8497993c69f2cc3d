package io.smtreplay.replay.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.LogicalScopeProvider;
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
        log.info("Serving Prometheus metrics on port {}", port);
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
        super.close();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        List<String> labels = contractLabels(group);
        if (labels == null) {
            super.notifyOfAddedMetric(metric, metricName, group);
        } else {
            contract.add(ReplayMetrics.PREFIX + metricName, labels, labelValues(labels, group), metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        List<String> labels = contractLabels(group);
        if (labels == null) {
            super.notifyOfRemovedMetric(metric, metricName, group);
        } else {
            contract.remove(ReplayMetrics.PREFIX + metricName, labelValues(labels, group), metric);
        }
    }

    /**
     * The label names of a contract metric: the key groups after the marker group (a key group
     * is part of the logical scope, its value is not); null when the metric is not a contract one.
     */
    private static List<String> contractLabels(MetricGroup group) {
        String scope = LogicalScopeProvider.castFrom(group).getLogicalScope(s -> s, '\u0001');
        List<String> parts = Arrays.asList(scope.split("\u0001"));
        int marker = parts.indexOf(ReplayMetrics.MARKER_GROUP);
        if (marker < 0) {
            return null;
        }
        return new ArrayList<>(parts.subList(marker + 1, parts.size()));
    }

    private static List<String> labelValues(List<String> labels, MetricGroup group) {
        Map<String, String> variables = group.getAllVariables();
        List<String> values = new ArrayList<>(labels.size());
        for (String label : labels) {
            String value = variables.get("<" + label + ">");
            values.add(value == null ? "" : value);
        }
        return values;
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
