package io.smtreplay.replay.function;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.projection.HostReplay;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.replay.wire.WireExitTypeInfo;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Replays one host (the key) through the core-model {@link HostReplay}: all of the host's threads,
 * in trace order, so that a wait shrinks by what its cause on another thread saved exactly as
 * offline (the critical path crosses the vCPU threads of a host, so one host is one task: the
 * job's parallelism is by host). What it reconstructs is pre-aggregated per event-time window and
 * app with the model's {@link Projector}.
 *
 * <ul>
 *   <li>Events arrive as the topic's message bytes ({@link WireExit}), one event or a batch of
 *       one vCPU thread's, and are decoded here, once, when released: a batch into primitive
 *       columns fed to the replay without an object per event ({@link TickRun}, {@link DecodedBatch}).
 *       A record that does not decode is refused ({@code decode}, {@code undecodable}).</li>
 *   <li>A batch waits at the tick of its oldest event not yet replayed; each tick replays its
 *       part, merged with the tick's other records in trace order, so a batched topic replays
 *       exactly as the same events one record each.</li>
 *   <li>Events wait in keyed state, grouped by release tick (a short span of trace time that
 *       divides the window), until the watermark passes the tick's end; then the tick's events of
 *       all the host's threads go to the replay sorted by (timestamp, sequence): input shuffled
 *       within the out-of-orderness bound replays exactly as sorted input. An event behind the
 *       watermark is refused ({@code late}). One timer per tick rather than per timestamp: at a few
 *       hundred exits per vCPU per millisecond, per-timestamp timers were most of the job's timer
 *       work and checkpoint size (BENCHMARKS.md, issue 4).</li>
 *   <li>An episode or guest interval, and the shortening of a wait, counts in the window of the
 *       event that closed it.</li>
 *   <li>An {@code EVENTS_LOST} mark (the agent's ring buffer overran on the CPU the vCPU last ran
 *       on) closes that thread's open episode as incomplete, as offline; it is no event.</li>
 *   <li>When the watermark passes a window's end, the host's share of it is emitted, one
 *       {@link HostWindow} per app, for the app window to merge.</li>
 *   <li>A thread without events for {@code vcpuIdle} of trace time is closed: its open episode
 *       ends as the model's {@code TRACE_ENDED} (as at the end of a file offline) and its tracker is
 *       dropped. At the end of a bounded input (or any jump of the watermark past the idle
 *       deadline) the close counts in the last event's window, not in one {@code vcpuIdle} later.</li>
 * </ul>
 */
public final class HostReplayFunction extends KeyedProcessFunction<String, WireExit, HostWindow> {

    private static final long serialVersionUID = 1L;

    /** The longest release tick; a shorter one is used when it does not divide the window. */
    static final long MAX_TICK_NS = 100_000;

    private final Projector projector;
    private final long windowNs;
    private final long tickNs;
    private final long idleNs;

    /** Release tick end -> the events of that tick, in arrival order, as the topic's bytes. */
    private transient MapState<Long, List<WireExit>> pending;
    private transient ValueState<HostState> host;
    private transient Refuser refuser;
    private transient LateWindows lateWindows;

    public HostReplayFunction(Projector projector, long windowNs, long idleNs) {
        this.projector = projector;
        this.windowNs = windowNs;
        this.tickNs = releaseTick(windowNs);
        this.idleNs = idleNs;
    }

    /**
     * The release tick for a window: the largest of 100 µs, 1 µs or 1 ns that divides it, so that a
     * window's end is a tick's end and no event is released after its window was emitted.
     */
    static long releaseTick(long windowNs) {
        for (long tick = MAX_TICK_NS; tick > 1; tick /= 100) {
            if (windowNs % tick == 0) {
                return tick;
            }
        }
        return 1;
    }

    /** The last nanosecond of the tick holding {@code ts}: the tick's timer fires there. */
    private long tickEnd(long ts) {
        return Math.floorDiv(ts, tickNs) * tickNs + tickNs - 1;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-events", Types.LONG,
                Types.LIST(WireExitTypeInfo.INSTANCE)));
        host = getRuntimeContext().getState(new ValueStateDescriptor<>("host", TypeInformation.of(HostState.class)));
        refuser = new Refuser(getRuntimeContext()).exportedFromStart(RefusalReason.LATE);
        lateWindows = new LateWindows(windowNs);
    }

    @Override
    public void processElement(WireExit exit, Context ctx, Collector<HostWindow> out) throws Exception {
        long ts = exit.timestampNs;
        long watermark = ctx.timerService().currentWatermark();
        if (ts <= watermark) {
            if (!exit.isBatch()) {
                refuseLate(exit, ctx);
                return;
            }
            exit = withoutLateEvents(exit, ctx);
            if (exit == null) {
                return;
            }
            ts = exit.timestampNs;
        }
        // a batch waits at the tick of its oldest event and moves on, tick by tick, as they are replayed
        addPending(tickEnd(ts), exit, ctx.timerService());
    }

    private void addPending(long tick, WireExit exit, TimerService timers) throws Exception {
        List<WireExit> inTick = pending.get(tick);
        if (inTick == null) {
            inTick = new ArrayList<>(8);
            timers.registerEventTimeTimer(tick);
        }
        inTick.add(exit);
        pending.put(tick, inTick);
    }

    /**
     * A batch with events behind the watermark (rare: a batch reaches back at most the producer's
     * linger): those are refused as late, each, as the per-event path would; the rest go on as a
     * batch of their own, or null when none is left.
     */
    private WireExit withoutLateEvents(WireExit batch, Context ctx) {
        Consumer<RejectedLine> refused = r -> ctx.output(Refusals.TAG, r);
        List<ExitEvent> events = refuser.decodeEventsOrRefuse(batch, refused);
        if (events == null) {
            return null;
        }
        long watermark = ctx.timerService().currentWatermark();
        List<ExitEvent> onTime = new ArrayList<>(events.size());
        for (ExitEvent e : events) {
            if (e.getTimestampNs() <= watermark) {
                refuseLate(e, watermark, refused);
            } else {
                onTime.add(e);
            }
        }
        return onTime.isEmpty() ? null : batch.withBatchOf(onTime);
    }

    /** One late event: refused with its reason, and its window named once in the log ({@link LateWindows}). */
    private void refuseLate(ExitEvent event, long watermark, Consumer<RejectedLine> refused) {
        refuser.refuse(Refusals.of(event, RefusalReason.LATE,
                "behind the watermark (" + watermark + " ns): later than the out-of-orderness bound"), refused);
        lateWindows.refused(String.valueOf(event.getApp()), event.getTimestampNs(), watermark);
    }

    /** One refusal per record: a late message that does not decode is refused as undecodable only. */
    private void refuseLate(WireExit exit, Context ctx) {
        Consumer<RejectedLine> refused = r -> ctx.output(Refusals.TAG, r);
        ExitEvent event = refuser.decodeOrRefuse(exit, refused);
        if (event != null) {
            refuseLate(event, ctx.timerService().currentWatermark(), refused);
        }
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<HostWindow> out) throws Exception {
        HostState state = host.value();
        List<WireExit> exits = pending.get(ts);
        if (exits != null) {
            pending.remove(ts);
            if (state == null) {
                state = new HostState();
            }
            replayTick(ts, exits, state, ctx);
        }
        if (state == null) {
            return;
        }
        if (ts == state.idleTimerNs) {
            // one idle timer per host, at its threads' first idle deadline, moved forward lazily
            state.idleTimerNs = Long.MIN_VALUE;
        }
        closeIdleThreads(ts, state, ctx);
        if (state.idleTimerNs == Long.MIN_VALUE && !state.lastEventNs.isEmpty()) {
            armIdleTimer(state, ctx);
        }
        emitClosedWindows(ts, state, out);
        if (state.isEmpty() && pending.isEmpty()) {
            host.clear();
        } else {
            host.update(state);
        }
    }

    /**
     * Replays the events of the tick ending at {@code tick}: single events and the tick's part of
     * each batch, of all the host's threads, merged in trace order (timestamp, sequence; ties in
     * arrival order), exactly the order a stable sort of the same events one record each gives. A
     * batch with events in later ticks waits again at the next of them.
     */
    private void replayTick(long tick, List<WireExit> exits, HostState state, OnTimerContext ctx) throws Exception {
        Consumer<RejectedLine> refused = r -> ctx.output(Refusals.TAG, r);
        TickRun[] runs = new TickRun[exits.size()];
        int live = 0;
        for (int arrival = 0; arrival < exits.size(); arrival++) {
            TickRun run = TickRun.of(exits.get(arrival), arrival, tick - tickNs + 1, tick, refuser, refused);
            if (run != null) {
                runs[live++] = run;
            }
        }
        Recorder recorder = null;
        TickMerge merge = new TickMerge(runs, live);
        for (TickRun next = merge.next(); next != null; merge.advanced(), next = merge.next()) {
            long ts = next.timestampNs();
            if (recorder == null || recorder.windowStart != windowStart(ts)) {
                recorder = new Recorder(state, ts, ctx);
            }
            if (next.atEventsLost()) {
                // the agent lost events of the CPU this thread last ran on: its open episode is not
                // whole; it closes as EVENTS_LOST, as the offline projector closes it (HostReplay#eventsLost)
                state.replay.eventsLostOf(next.exit.threadId, recorder);
                next.skip();
            } else {
                next.replayInto(state.replay, recorder);
            }
        }
        for (int i = 0; i < live; i++) {
            TickRun run = runs[i];
            if (run.lastReplayedNs() != Long.MIN_VALUE) {
                state.lastEventNs.merge(run.exit.threadId, run.lastReplayedNs(), Math::max);
            }
            long later = run.nextTimestampNs();
            if (later != Long.MIN_VALUE) {
                addPending(tickEnd(later), run.exit, ctx.timerService());
            }
        }
    }

    /**
     * Closes each thread whose idle deadline the watermark passed, at the first timer that sees
     * it. When the watermark jumped there (the end of a bounded input, or a restored job catching
     * up), that is before the last event's window is emitted, and what the close ends counts there,
     * as offline at the end of a file. Only a thread that fell idle while event time went on
     * gradually records its close in the window of the timer: the last event's window was emitted
     * long before. (Recording every close at the idle timer put an episode that ended at the last
     * event into a window {@code vcpuIdle} later, a window of its own at end of input.)
     */
    private void closeIdleThreads(long ts, HostState state, OnTimerContext ctx) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        Boolean eventsWaiting = null; // read once, and only when a thread is past its deadline
        Iterator<Map.Entry<Integer, Long>> threads = state.lastEventNs.entrySet().iterator();
        while (threads.hasNext()) {
            Map.Entry<Integer, Long> thread = threads.next();
            long last = thread.getValue();
            long idleAt = last + idleNs;
            if (idleAt > watermark) {
                continue;
            }
            if (idleAt > ts) {
                // before the idle deadline's own timer, events still waiting for their tick may follow
                if (eventsWaiting == null) {
                    eventsWaiting = !pending.isEmpty();
                }
                if (eventsWaiting) {
                    continue;
                }
            }
            boolean lastWindowOpen = windowStart(last) + windowNs - 1 >= ts;
            state.replay.close(thread.getKey(), new Recorder(state, lastWindowOpen ? last : ts, ctx));
            threads.remove();
        }
    }

    private void armIdleTimer(HostState state, OnTimerContext ctx) {
        state.idleTimerNs = state.firstIdleDeadline(idleNs);
        ctx.timerService().registerEventTimeTimer(state.idleTimerNs);
    }

    private long windowStart(long ts) {
        return Math.floorDiv(ts, windowNs) * windowNs;
    }

    private void emitClosedWindows(long watermark, HostState state, Collector<HostWindow> out) {
        Iterator<Map.Entry<Long, Map<String, ProjectionAccumulator>>> it = state.windows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Map<String, ProjectionAccumulator>> w = it.next();
            if (w.getKey() + windowNs - 1 > watermark) {
                break;
            }
            w.getValue().forEach((app, projection) -> out.collect(new HostWindow(app, w.getKey(), projection)));
            it.remove();
        }
    }

    /** Records what the replay emits into the window of the event being replayed, per app. */
    private final class Recorder implements HostReplay.Recording {
        private final HostState state;
        final long windowStart;
        private final OnTimerContext ctx;
        private Map<String, ProjectionAccumulator> window;
        /** The last app recorded and its accumulator: a tick's runs are mostly of one app. */
        private String lastApp;
        private ProjectionAccumulator lastInto;

        Recorder(HostState state, long ts, OnTimerContext ctx) {
            this.state = state;
            this.windowStart = windowStart(ts);
            this.ctx = ctx;
        }

        @Override
        public Projector projector() {
            return projector;
        }

        @Override
        public ProjectionAccumulator accumulator(String app) {
            if (app.equals(lastApp)) {
                return lastInto;
            }
            if (window == null) {
                window = state.windows.get(windowStart);
                if (window == null) {
                    window = new HashMap<>(4);
                    state.windows.put(windowStart, window);
                    ctx.timerService().registerEventTimeTimer(windowStart + windowNs - 1);
                }
            }
            lastInto = window.computeIfAbsent(app, a -> projector.newAccumulator());
            lastApp = app;
            return lastInto;
        }
    }
}
