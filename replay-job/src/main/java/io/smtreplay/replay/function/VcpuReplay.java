package io.smtreplay.replay.function;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.ingest.ExitEventMapping;
import io.smtreplay.replay.metrics.ReplayMetrics;
import io.smtreplay.schemas.ExitEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Replays one vCPU thread (the key) through the core-model {@link EpisodeTracker}, in trace order,
 * and pre-aggregates what it reconstructs per event-time window with the model's {@link Projector}.
 *
 * <ul>
 *   <li>Events wait in keyed state until the watermark passes their timestamp, then go to the
 *       tracker sorted by (timestamp, sequence): input shuffled within the out-of-orderness bound
 *       replays exactly as sorted input. An event behind the watermark is refused ({@code late}).</li>
 *   <li>An episode or guest interval counts in the window of the event that closed it.</li>
 *   <li>When the watermark passes a window's end, the vCPU's share of it is emitted
 *       ({@link VcpuWindow}) for the app window to merge.</li>
 *   <li>A vCPU without events for {@code vcpuIdle} of trace time is closed: its open episode ends
 *       as the model's {@code TRACE_ENDED} (as at the end of a file offline) and its tracker is
 *       dropped. The end of a bounded input fires these timers too.</li>
 * </ul>
 */
public final class VcpuReplay extends KeyedProcessFunction<String, ExitEvent, VcpuWindow> {

    private static final long serialVersionUID = 1L;

    private final Projector projector;
    private final long windowNs;
    private final long idleNs;

    private transient MapState<Long, List<ExitEvent>> pending;
    private transient ValueState<VcpuState> vcpu;
    private transient ContractMetrics metrics;

    public VcpuReplay(Projector projector, long windowNs, long idleNs) {
        this.projector = projector;
        this.windowNs = windowNs;
        this.idleNs = idleNs;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-events", Types.LONG,
                Types.LIST(TypeInformation.of(ExitEvent.class))));
        vcpu = getRuntimeContext().getState(new ValueStateDescriptor<>("vcpu", TypeInformation.of(VcpuState.class)));
        metrics = new ContractMetrics(getRuntimeContext().getMetricGroup());
        metrics.counter(ReplayMetrics.RECORDS_REFUSED_TOTAL, "stage", Refusals.STAGE_REPLAY, "reason", Refusals.LATE);
    }

    @Override
    public void processElement(ExitEvent event, Context ctx, Collector<VcpuWindow> out) throws Exception {
        long ts = event.getTimestampNs();
        if (ts <= ctx.timerService().currentWatermark()) {
            metrics.counter(ReplayMetrics.RECORDS_REFUSED_TOTAL, "stage", Refusals.STAGE_REPLAY,
                    "reason", Refusals.LATE).inc();
            ctx.output(Refusals.TAG, Refusals.of(event, Refusals.LATE,
                    "behind the watermark (" + ctx.timerService().currentWatermark()
                            + " ns): later than the out-of-orderness bound"));
            return;
        }
        List<ExitEvent> atTs = pending.get(ts);
        if (atTs == null) {
            atTs = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        atTs.add(event);
        pending.put(ts, atTs);
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<VcpuWindow> out) throws Exception {
        VcpuState state = vcpu.value();
        List<ExitEvent> events = pending.get(ts);
        if (events != null) {
            pending.remove(ts);
            if (state == null) {
                state = new VcpuState();
            }
            replay(events, ts, state, ctx);
        }
        if (state == null) {
            return;
        }
        if (ts == state.idleDeadlineNs && state.tracker != null) {
            state.tracker.finish(new Recorder(state, ts, ctx));
            state.tracker = null;
        }
        emitClosedWindows(ts, state, out);
        if (state.isEmpty() && pending.isEmpty()) {
            vcpu.clear();
        } else {
            vcpu.update(state);
        }
    }

    private void replay(List<ExitEvent> events, long ts, VcpuState state, OnTimerContext ctx) {
        if (events.size() > 1) {
            events.sort(Comparator.comparingLong(ExitEvent::getSequence));
        }
        Recorder recorder = new Recorder(state, ts, ctx);
        for (ExitEvent e : events) {
            if (state.tracker == null) {
                state.tracker = new EpisodeTracker(e.getThreadId());
            }
            state.app = e.getApp();
            state.tracker.accept(ExitEventMapping.fromAvro(e), recorder);
        }
        state.idleDeadlineNs = ts + idleNs;
        ctx.timerService().registerEventTimeTimer(state.idleDeadlineNs);
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
        private final long ts;
        private final OnTimerContext ctx;
        private ProjectionAccumulator into;

        Recorder(VcpuState state, long ts, OnTimerContext ctx) {
            this.state = state;
            this.ts = ts;
            this.ctx = ctx;
        }

        private ProjectionAccumulator window() {
            if (into == null) {
                long start = Math.floorDiv(ts, windowNs) * windowNs;
                into = state.windows.get(start);
                if (into == null) {
                    into = projector.newAccumulator();
                    state.windows.put(start, into);
                    ctx.timerService().registerEventTimeTimer(start + windowNs - 1);
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
