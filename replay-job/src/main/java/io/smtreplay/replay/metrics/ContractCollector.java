package io.smtreplay.replay.metrics;

import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;

/**
 * The contract metrics as Prometheus families: one series per name and label values, whatever
 * the number of subtasks that registered it (counters are summed, a gauge shows its latest
 * registration).
 *
 * <p>A metric of a finished task keeps its last value ("frozen"), so that {@code smtreplay run
 * --serve} still shows the results of the bounded job it ran. When a series gets a live metric
 * again after having none (a restarted job), the frozen part is dropped: counters restart from
 * zero, as Prometheus expects of a restarted process.
 */
final class ContractCollector extends Collector {

    private final Map<String, Family> families = new LinkedHashMap<>();

    synchronized void add(String name, List<String> labelNames, List<String> labelValues, Metric metric) {
        Family family = families.computeIfAbsent(name, n -> new Family(n, labelNames, metric instanceof Counter));
        Series series = family.series.computeIfAbsent(labelValues, v -> new Series());
        if (series.live.isEmpty()) {
            series.frozen = 0;
        }
        series.live.add(metric);
    }

    synchronized void remove(String name, List<String> labelValues, Metric metric) {
        Family family = families.get(name);
        Series series = family == null ? null : family.series.get(labelValues);
        if (series == null || !series.live.remove(metric)) {
            return;
        }
        double last = valueOf(metric);
        series.frozen = family.counter ? series.frozen + last : last;
    }

    @Override
    public synchronized List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> out = new ArrayList<>(families.size());
        for (Family family : families.values()) {
            List<MetricFamilySamples.Sample> samples = new ArrayList<>(family.series.size());
            family.series.forEach((values, series) ->
                    samples.add(new MetricFamilySamples.Sample(family.name, family.labelNames, values,
                            family.counter ? series.sum() : series.latest())));
            out.add(new MetricFamilySamples(family.name, family.counter ? Type.COUNTER : Type.GAUGE,
                    "smtreplay " + family.name, samples));
        }
        return out;
    }

    static double valueOf(Metric metric) {
        if (metric instanceof Counter c) {
            return c.getCount();
        }
        if (metric instanceof Gauge<?> g) {
            Object v = g.getValue();
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        if (metric instanceof Meter m) {
            return m.getRate();
        }
        return Double.NaN;
    }

    private static final class Family {
        final String name;
        final List<String> labelNames;
        final boolean counter;
        final Map<List<String>, Series> series = new LinkedHashMap<>();

        Family(String name, List<String> labelNames, boolean counter) {
            this.name = name;
            this.labelNames = List.copyOf(labelNames);
            this.counter = counter;
        }
    }

    private static final class Series {
        final List<Metric> live = new ArrayList<>(2);
        double frozen;

        double sum() {
            double sum = frozen;
            for (Metric m : live) {
                sum += valueOf(m);
            }
            return sum;
        }

        double latest() {
            return live.isEmpty() ? frozen : valueOf(live.get(live.size() - 1));
        }
    }
}
