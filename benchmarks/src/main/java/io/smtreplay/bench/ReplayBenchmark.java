package io.smtreplay.bench;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.TraceEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of the episode tracker plus the SMT model, in events per second on one core: a
 * real nested event mix held in memory ({@link ReplayEvents}: the lab trace, parsed once) replayed
 * <ul>
 *   <li>{@code trackerOnly}: through one vCPU tracker, episodes dropped;</li>
 *   <li>{@code trackerAndModel}: tracker + projection of every episode on baseline, svt-sw and
 *       svt-hw into one accumulator (what a keyed worker does);</li>
 *   <li>{@code traceProjector}: the offline facade, routing by (source, thread) as {@code project} does.</li>
 * </ul>
 * Run: {@code bin/smtreplay bench ReplayBenchmark -f 1 -wi 2 -i 3}. The score is events/s
 * (one operation = one event) of wall time. On a shared machine wall time undercounts a core's
 * rate, so each benchmark also reports the events it replayed and the CPU time its thread used
 * ({@code replayedEvents}, {@code cpuMicros}: events per CPU second = replayedEvents /
 * cpuMicros × 10^6).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplayBenchmark {

    private TraceEvent[] events;
    private Projector projector;

    @Setup
    public void load() {
        events = ReplayEvents.load(ReplayEvents.EVENTS);
        CostProfile profile = CostProfiles.defaultProfile();
        projector = new Projector(SmtConfiguration.NAMED, profile);
    }

    /** Events replayed and the thread's CPU time, per iteration (JMH secondary results). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        public long replayedEvents;
        public long cpuMicros;
        private long startNs;

        @Setup(Level.Iteration)
        public void reset() {
            replayedEvents = 0;
            cpuMicros = 0;
        }

        void start() {
            startNs = THREADS.getCurrentThreadCpuTime();
        }

        void stop(int events) {
            cpuMicros += (THREADS.getCurrentThreadCpuTime() - startNs) / 1_000;
            replayedEvents += events;
        }
    }

    /** Counts what the tracker emits, so nothing is optimized away. */
    static final class CountingSink implements EpisodeSink {
        long episodes;
        long guestNs;

        @Override
        public void episode(Episode episode) {
            episodes += episode.totalSwitches();
        }

        @Override
        public void guestTime(GuestInterval interval) {
            guestNs += interval.durationNs();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ReplayEvents.EVENTS)
    public long trackerOnly(CpuTime cpu) {
        cpu.start();
        EpisodeTracker tracker = new EpisodeTracker(events[0].tid());
        CountingSink sink = new CountingSink();
        for (TraceEvent e : events) {
            tracker.accept(e, sink);
        }
        tracker.finish(sink);
        cpu.stop(events.length);
        return sink.episodes + sink.guestNs;
    }

    @Benchmark
    @OperationsPerInvocation(ReplayEvents.EVENTS)
    public double trackerAndModel(CpuTime cpu) {
        cpu.start();
        EpisodeTracker tracker = new EpisodeTracker(events[0].tid());
        ProjectionAccumulator accumulator = projector.newAccumulator();
        EpisodeSink sink = projector.sinkInto(accumulator);
        for (TraceEvent e : events) {
            tracker.accept(e, sink);
        }
        tracker.finish(sink);
        cpu.stop(events.length);
        return accumulator.cpuTimeSpeedup("svt-hw");
    }

    @Benchmark
    @OperationsPerInvocation(ReplayEvents.EVENTS)
    public double traceProjector(CpuTime cpu) {
        cpu.start();
        TraceProjector p = new TraceProjector(projector);
        for (TraceEvent e : events) {
            p.accept("bench", "lab", e);
        }
        p.finish();
        cpu.stop(events.length);
        return p.byApp().get("bench").cpuTimeSpeedup("svt-hw");
    }
}
