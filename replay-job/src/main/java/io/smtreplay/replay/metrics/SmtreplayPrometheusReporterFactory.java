package io.smtreplay.replay.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * {@code metrics.reporter.prom.factory.class: io.smtreplay.replay.metrics.SmtreplayPrometheusReporterFactory},
 * {@code metrics.reporter.prom.port: 9249}.
 */
public final class SmtreplayPrometheusReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new SmtreplayPrometheusReporter();
    }
}
