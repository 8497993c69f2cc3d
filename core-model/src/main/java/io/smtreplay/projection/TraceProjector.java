package io.smtreplay.projection;

import io.smtreplay.episode.TrackerCounters;
import io.smtreplay.trace.TraceEvent;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Offline replay of a whole trace: each source (a file, a host) is replayed by its own
 * {@link HostReplay} (its threads' trackers and the critical path across them), recording into
 * one accumulator per app. Used by {@code project}, benchmarks and tests; the streaming job holds
 * the same {@link HostReplay} per host in keyed state and records per app and window.
 */
public final class TraceProjector {

    private final Projector projector;
    private final Map<String, HostReplay> hosts = new HashMap<>();
    private final Map<String, ProjectionAccumulator> byApp = new TreeMap<>();
    /** The same accumulators by app, for the lookup of every episode. */
    private final Map<String, ProjectionAccumulator> byAppFast = new HashMap<>();
    private final Map<String, TrackerCounters> countersByApp = new TreeMap<>();
    private final HostReplay.Recording recording = new HostReplay.Recording() {
        @Override
        public Projector projector() {
            return projector;
        }

        @Override
        public ProjectionAccumulator accumulator(String app) {
            ProjectionAccumulator acc = byAppFast.get(app);
            if (acc == null) {
                acc = projector.newAccumulator();
                byAppFast.put(app, acc);
                byApp.put(app, acc);
            }
            return acc;
        }

        @Override
        public void threadSeen(String app) {
            accumulator(app);
        }
    };
    private boolean finished;
    private HostReplay lastHost;
    private String lastSource;

    public TraceProjector(Projector projector) {
        this.projector = projector;
    }

    public Projector projector() {
        return projector;
    }

    /** One event of {@code source} (a file, a host), labelled with its app. */
    public void accept(String app, String source, TraceEvent event) {
        accept(app, null, source, event);
    }

    /** One event of {@code source}, labelled with its app and VM ({@code vm} null when unknown: the app stands for it). */
    public void accept(String app, String vm, String source, TraceEvent event) {
        if (finished) {
            throw new IllegalStateException("finish() was called");
        }
        hostOf(source).accept(app, vm, event, recording);
    }

    private HostReplay hostOf(String source) {
        if (lastHost == null || !source.equals(lastSource)) {
            lastHost = hosts.computeIfAbsent(source, s -> new HostReplay());
            lastSource = source;
        }
        return lastHost;
    }

    /**
     * The tracer of {@code source} lost events on {@code pcpu} (-1: on an unknown CPU): the
     * vCPU threads last seen on that CPU (all of the source's, for -1) close their open episode
     * as incomplete and resynchronize.
     */
    public void eventsLost(String source, int pcpu) {
        HostReplay host = hosts.get(source);
        if (host != null) {
            host.eventsLost(pcpu, recording);
        }
    }

    /** End of input: closes every open episode as incomplete and gathers the trackers' counters. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        for (HostReplay host : hosts.values()) {
            host.finish(recording);
            host.trackerCounters((app, counters) ->
                    countersByApp.computeIfAbsent(app, a -> new TrackerCounters()).merge(counters));
        }
    }

    /** Accumulators by app name, sorted. Complete after {@link #finish()}. */
    public Map<String, ProjectionAccumulator> byApp() {
        return Collections.unmodifiableMap(byApp);
    }

    /** The trackers' counters by app, after {@link #finish()}. */
    public Map<String, TrackerCounters> trackerCounters() {
        return Collections.unmodifiableMap(countersByApp);
    }

    /** vCPU threads seen (threads that entered a guest; a backend injecting interrupts is none). */
    public int vcpuThreads() {
        return hosts.values().stream().mapToInt(h -> h.vcpuThreadApps().size()).sum();
    }

    /** vCPU threads seen, by app. */
    public Map<String, Integer> vcpuThreadsByApp() {
        Map<String, Integer> counts = new TreeMap<>();
        hosts.values().forEach(h -> h.vcpuThreadApps().forEach(app -> counts.merge(app, 1, Integer::sum)));
        return counts;
    }
}
