package io.smtreplay.replay.function;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.replay.wire.WireExitTypeInfo;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import java.util.ArrayList;
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
 * Replays one vCPU thread (the key) through the core-model {@link EpisodeTracker}, in trace order,
 * and pre-aggregates what it reconstructs per event-time window with the model's {@link Projector}.
 *
 * <ul>
 *   <li>Events arrive as the topic's message bytes ({@link WireExit}), one event or a batch of
 *       this vCPU's, and are decoded here, once, when released: a batch into primitive columns
 *       fed to the tracker without an object per event ({@link TickRun}, {@link DecodedBatch}).
 *       A record that does not decode is refused ({@code decode}, {@code undecodable}).</li>
 *   <li>A batch waits at the tick of its oldest event not yet replayed; each tick replays its
 *       part, merged with the tick's other records in trace order, so a batched topic replays
 *       exactly as the same events one record each.</li>
 *   <li>Events wait in keyed state, grouped by release tick (a short span of trace time that
 *       divides the window), until the watermark passes the tick's end; then the tick's events go
 *       to the tracker sorted by (timestamp, sequence): input shuffled within the out-of-orderness
 *       bound replays exactly as sorted input. An event behind the watermark is refused
 *       ({@code late}). One timer per tick rather than per timestamp: at a few hundred exits per
 *       vCPU per millisecond, per-timestamp timers were most of the job's timer work and
 *       checkpoint size (BENCHMARKS.md, issue 4).</li>
 *   <li>An episode or guest interval counts in the window of the event that closed it.</li>
 *   <li>An {@code EVENTS_LOST} mark (the agent's ring buffer overran on the CPU the vCPU last ran
 *       on) closes the open episode as incomplete, as offline; it is no event of the vCPU.</li>
 *   <li>When the watermark passes a window's end, the vCPU's share of it is emitted
 *       ({@link VcpuWindow}) for the app window to merge.</li>
 *   <li>A vCPU without events for {@code vcpuIdle} of trace time is closed: its open episode ends
 *       as the model's {@code TRACE_ENDED} (as at the end of a file offline) and its tracker is
 *       dropped. At the end of a bounded input (or any jump of the watermark past the idle
 *       deadline) the close counts in the last event's window, not in one {@code vcpuIdle} later.</li>
 * </ul>
 */
public final class VcpuReplay extends KeyedProcessFunction<String, WireExit, VcpuWindow> {

    private static final long serialVersionUID = 1L;

    /** The longest release tick; a shorter one is used when it does not divide the window. */
    static final long MAX_TICK_NS = 100_000;

    private final Projector projector;
    private final long windowNs;
    private final long tickNs;
    private final long idleNs;

    /** Release tick end -> the events of that tick, in arrival order, as the topic's bytes. */
    private transient MapState<Long, List<WireExit>> pending;
    private transient ValueState<VcpuState> vcpu;
    private transient Refuser refuser;
    private transient LateWindows lateWindows;

    public VcpuReplay(Projector projector, long windowNs, long idleNs) {
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
        vcpu = getRuntimeContext().getState(new ValueStateDescriptor<>("vcpu", TypeInformation.of(VcpuState.class)));
        refuser = new Refuser(getRuntimeContext()).exportedFromStart(RefusalReason.LATE);
        lateWindows = new LateWindows(windowNs);
    }

    @Override
    public void processElement(WireExit exit, Context ctx, Collector<VcpuWindow> out) throws Exception {
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
    public void onTimer(long ts, OnTimerContext ctx, Collector<VcpuWindow> out) throws Exception {
        VcpuState state = vcpu.value();
        List<WireExit> exits = pending.get(ts);
        if (exits != null) {
            pending.remove(ts);
            if (state == null) {
                state = new VcpuState();
            }
            replayTick(ts, exits, state, ctx);
        }
        if (state == null) {
            return;
        }
        if (ts == state.idleTimerNs) {
            state.idleTimerNs = Long.MIN_VALUE;
            if (state.lastEventNs + idleNs > ts) {
                // events came since the timer was set: one idle timer per vCPU, moved forward lazily
                armIdleTimer(state, ctx);
            }
        }
        closeIfIdle(ts, state, ctx);
        emitClosedWindows(ts, state, out);
        if (state.isEmpty() && pending.isEmpty()) {
            vcpu.clear();
        } else {
            vcpu.update(state);
        }
    }

    /**
     * Replays the events of the tick ending at {@code tick}: single events and the tick's part of
     * each batch, merged in trace order (timestamp, sequence; ties in arrival order), exactly the
     * order a stable sort of the same events one record each gives. A batch with events in later
     * ticks waits again at the next of them.
     */
    private void replayTick(long tick, List<WireExit> exits, VcpuState state, OnTimerContext ctx) throws Exception {
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
        while (true) {
            TickRun next = null;
            for (int i = 0; i < live; i++) {
                if (runs[i].hasNext() && (next == null || runs[i].before(next))) {
                    next = runs[i];
                }
            }
            if (next == null) {
                break;
            }
            long ts = next.timestampNs();
            if (recorder == null || recorder.windowStart != windowStart(ts)) {
                recorder = new Recorder(state, ts, ctx);
            }
            if (next.atEventsLost()) {
                // the agent lost events of the CPU this vCPU last ran on: its open episode is not
                // whole; it closes as EVENTS_LOST, as the offline projector closes it (TraceProjector#eventsLost)
                if (state.tracker != null) {
                    state.tracker.eventsLost(recorder);
                }
                next.skip();
                continue;
            }
            if (state.tracker == null) {
                state.tracker = new EpisodeTracker(next.exit.threadId);
            }
            state.app = next.app();
            next.replayInto(state.tracker, recorder);
            state.lastEventNs = Math.max(state.lastEventNs, ts);
        }
        for (int i = 0; i < live; i++) {
            long later = runs[i].nextTimestampNs();
            if (later != Long.MIN_VALUE) {
                addPending(tickEnd(later), runs[i].exit, ctx.timerService());
            }
        }
        if (state.idleTimerNs == Long.MIN_VALUE && live > 0) {
            armIdleTimer(state, ctx);
        }
    }

    /**
     * Closes the vCPU's tracker once the watermark is past its idle deadline, at the first timer
     * that sees it. When the watermark jumped there (the end of a bounded input, or a restored job
     * catching up), that is before the last event's window is emitted, and what the close ends
     * counts there, as offline at the end of a file. Only a vCPU that fell idle while event time
     * went on gradually records its close in the window of the timer: the last event's window was
     * emitted long before. (Recording every close at the idle timer put an episode that ended at
     * the last event into a window {@code vcpuIdle} later, a window of its own at end of input.)
     */
    private void closeIfIdle(long ts, VcpuState state, OnTimerContext ctx) throws Exception {
        long idleAt = state.lastEventNs + idleNs;
        if (state.tracker == null || idleAt > ctx.timerService().currentWatermark()) {
            return;
        }
        // before the idle deadline's own timer, events still waiting for their tick may follow
        if (idleAt > ts && !pending.isEmpty()) {
            return;
        }
        boolean lastWindowOpen = windowStart(state.lastEventNs) + windowNs - 1 >= ts;
        state.tracker.finish(new Recorder(state, lastWindowOpen ? state.lastEventNs : ts, ctx));
        state.tracker = null;
    }

    private void armIdleTimer(VcpuState state, OnTimerContext ctx) {
        state.idleTimerNs = state.lastEventNs + idleNs;
        ctx.timerService().registerEventTimeTimer(state.idleTimerNs);
    }

    private long windowStart(long ts) {
        return Math.floorDiv(ts, windowNs) * windowNs;
    }

    private void emitClosedWindows(long watermark, VcpuState state, Collector<VcpuWindow> out) {
        Iterator<Map.Entry<Long, ProjectionAccumulator>> it = state.windows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, ProjectionAccumulator> w = it.next();
            if (w.getKey() + windowNs - 1 > watermark) {
                break;
            }
            out.collect(new VcpuWindow(state.app, w.getKey(), w.getValue()));
            it.remove();
        }
    }

    /** Records what the tracker emits into the window of the event being replayed. */
    private final class Recorder implements EpisodeSink {
        private final VcpuState state;
        final long windowStart;
        private final OnTimerContext ctx;
        private ProjectionAccumulator into;

        Recorder(VcpuState state, long ts, OnTimerContext ctx) {
            this.state = state;
            this.windowStart = windowStart(ts);
            this.ctx = ctx;
        }

        private ProjectionAccumulator window() {
            if (into == null) {
                into = state.windows.get(windowStart);
                if (into == null) {
                    into = projector.newAccumulator();
                    state.windows.put(windowStart, into);
                    ctx.timerService().registerEventTimeTimer(windowStart + windowNs - 1);
                }
            }
            return into;
        }

        @Override
        public void episode(Episode episode) {
            projector.record(episode, window());
        }

        @Override
        public void guestTime(GuestInterval interval) {
            projector.record(interval, window());
        }
    }
}
