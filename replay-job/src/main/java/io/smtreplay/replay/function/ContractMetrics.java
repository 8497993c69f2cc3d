package io.smtreplay.replay.function;

import io.smtreplay.replay.metrics.ReplayMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Registers contract metrics lazily, one per label values, under {@link ReplayMetrics#group}
 * (labels become {@code addGroup(label, value)} pairs, in the order given).
 */
final class ContractMetrics {

    private final MetricGroup group;
    private final Map<List<String>, Counter> counters = new HashMap<>();
    private final Map<List<String>, LastValue> gauges = new HashMap<>();

    ContractMetrics(MetricGroup operatorGroup) {
        this.group = ReplayMetrics.group(operatorGroup);
    }

    /** @param labels alternating label names and values */
    Counter counter(String name, String... labels) {
        return counters.computeIfAbsent(key(name, labels), k -> labelled(labels).counter(name));
    }

    /** @param labels alternating label names and values */
    void gauge(String name, double value, String... labels) {
        gauges.computeIfAbsent(key(name, labels), k -> labelled(labels).gauge(name, new LastValue())).value = value;
    }

    private MetricGroup labelled(String[] labels) {
        MetricGroup g = group;
        for (int i = 0; i < labels.length; i += 2) {
            g = g.addGroup(labels[i], labels[i + 1]);
        }
        return g;
    }

    private static List<String> key(String name, String[] labels) {
        String[] key = new String[labels.length + 1];
        key[0] = name;
        System.arraycopy(labels, 0, key, 1, labels.length);
        return List.of(key);
    }

    private static final class LastValue implements Gauge<Double> {
        volatile double value;

        @Override
        public Double getValue() {
            return value;
        }
    }
}
