package io.smtreplay.projection;

import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.TrackerCounters;
import io.smtreplay.trace.TraceEvent;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Offline replay of a whole trace: routes each event to the tracker of its vCPU thread (keyed by
 * source and thread id, since thread ids repeat across hosts and files) and records what the
 * trackers emit into one accumulator per app. Used by {@code project}, benchmarks and tests; the
 * streaming job does the same routing with keyed state.
 */
public final class TraceProjector {

    private record VcpuKey(String source, int tid) {
    }

    private final class Vcpu {
        final EpisodeTracker tracker;
        final String app;
        final EpisodeSink sink;
        int lastPcpu = -1;

        Vcpu(int tid, String app) {
            this.tracker = new EpisodeTracker(tid);
            this.app = app;
            this.sink = projector.sinkInto(byApp.computeIfAbsent(app, a -> projector.newAccumulator()));
        }
    }

    private final Projector projector;
    private final Map<VcpuKey, Vcpu> vcpus = new HashMap<>();
    private final Map<String, ProjectionAccumulator> byApp = new TreeMap<>();
    private final Map<String, TrackerCounters> countersByApp = new TreeMap<>();
    private boolean finished;
    private Vcpu lastVcpu;
    private String lastSource;

    public TraceProjector(Projector projector) {
        this.projector = projector;
    }

    public Projector projector() {
        return projector;
    }

    /** One event of {@code source} (a file, a host), labelled with its app. */
    public void accept(String app, String source, TraceEvent event) {
        if (finished) {
            throw new IllegalStateException("finish() was called");
        }
        Vcpu vcpu;
        if (lastVcpu != null && lastVcpu.tracker.thread() == event.tid() && source.equals(lastSource)) {
            vcpu = lastVcpu; // traces come in runs of one thread's events
        } else {
            VcpuKey key = new VcpuKey(source, event.tid());
            vcpu = vcpus.get(key);
            if (vcpu == null) {
                vcpu = new Vcpu(event.tid(), app);
                vcpus.put(key, vcpu);
            }
            lastVcpu = vcpu;
            lastSource = source;
        }
        if (event.pcpu() >= 0) {
            vcpu.lastPcpu = event.pcpu();
        }
        vcpu.tracker.accept(event, vcpu.sink);
    }

    /**
     * The tracer of {@code source} lost events on {@code pcpu} (-1: on an unknown CPU): the
     * vCPU threads last seen on that CPU (all of the source's, for -1) close their open episode
     * as incomplete and resynchronize.
     */
    public void eventsLost(String source, int pcpu) {
        vcpus.forEach((key, vcpu) -> {
            if (key.source().equals(source) && (pcpu < 0 || vcpu.lastPcpu == pcpu || vcpu.lastPcpu < 0)) {
                vcpu.tracker.eventsLost(vcpu.sink);
            }
        });
    }

    /** End of input: closes every open episode as incomplete and gathers the trackers' counters. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        for (Vcpu vcpu : vcpus.values()) {
            vcpu.tracker.finish(vcpu.sink);
            countersByApp.computeIfAbsent(vcpu.app, a -> new TrackerCounters()).merge(vcpu.tracker.counters());
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

    /** vCPU threads seen. */
    public int vcpuThreads() {
        return vcpus.size();
    }

    /** vCPU threads seen, by app. */
    public Map<String, Integer> vcpuThreadsByApp() {
        Map<String, Integer> counts = new TreeMap<>();
        vcpus.values().forEach(v -> counts.merge(v.app, 1, Integer::sum));
        return counts;
    }
}
