package io.smtreplay.projection;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.GuestInterval;
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

    private final class Vcpu implements EpisodeSink {
        final EpisodeTracker tracker;
        final ProjectionAccumulator accumulator;
        final String app;
        int lastPcpu = -1;

        Vcpu(int tid, String app) {
            this.tracker = new EpisodeTracker(tid);
            this.app = app;
            this.accumulator = byApp.computeIfAbsent(app, a -> projector.newAccumulator());
        }

        @Override
        public void episode(Episode episode) {
            projector.record(episode, accumulator);
        }

        @Override
        public void guestTime(GuestInterval interval) {
            projector.record(interval, accumulator);
        }
    }

    private final Projector projector;
    private final Map<VcpuKey, Vcpu> vcpus = new HashMap<>();
    private final Map<String, ProjectionAccumulator> byApp = new TreeMap<>();
    private final Map<String, TrackerCounters> countersByApp = new TreeMap<>();
    private boolean finished;

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
        VcpuKey key = new VcpuKey(source, event.tid());
        Vcpu vcpu = vcpus.get(key);
        if (vcpu == null) {
            vcpu = new Vcpu(event.tid(), app);
            vcpus.put(key, vcpu);
        }
        if (event.pcpu() >= 0) {
            vcpu.lastPcpu = event.pcpu();
        }
        vcpu.tracker.accept(event, vcpu);
    }

    /**
     * The tracer of {@code source} lost events on {@code pcpu} (-1: on an unknown CPU): the
     * vCPU threads last seen on that CPU (all of the source's, for -1) close their open episode
     * as incomplete and resynchronize.
     */
    public void eventsLost(String source, int pcpu) {
        vcpus.forEach((key, vcpu) -> {
            if (key.source().equals(source) && (pcpu < 0 || vcpu.lastPcpu == pcpu || vcpu.lastPcpu < 0)) {
                vcpu.tracker.eventsLost(vcpu);
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
            vcpu.tracker.finish(vcpu);
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
}
