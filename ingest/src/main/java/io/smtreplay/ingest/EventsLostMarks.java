package io.smtreplay.ingest;

import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.TraceEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The one rule from a tracer's lost-event mark to the {@code EVENTS_LOST} marks on the events
 * topic, for every publisher of one input (the agent, {@code ingest}, {@code run}): a mark for
 * each thread whose newest event ran on the CPU that overran (every thread, when that CPU is
 * unknown; a thread whose CPU is unknown, always), the rule of the offline projector
 * ({@code TraceProjector#eventsLost}). The job replays per thread and cannot know which CPU a
 * thread was on; this is where that knowledge is. Each mark is stamped just after the newest event
 * seen so far, so it keeps its place among its thread's events.
 */
public final class EventsLostMarks {
    /** thread -> the CPU of its newest event (-1: unknown), in the order first seen. */
    private final Map<Integer, Integer> lastPcpu = new LinkedHashMap<>();
    private long newestNs;
    /** The thread and CPU last written to lastPcpu: consecutive events mostly repeat them, and need no look-up. */
    private int lastTid = Integer.MIN_VALUE;
    private int lastTidPcpu;

    /**
     * Notes an event of the input, in input order (also one an earlier run already delivered).
     * As offline, a scheduler event places no thread, and an event without a CPU keeps the last known.
     */
    public void seen(TraceEvent event) {
        seen(event.tid(), event.pcpu(), event.kind().isScheduler(), event.hasTimestamp(), event.timestampNs());
    }

    /** {@link #seen(TraceEvent)} for a decoded record, from its columns (no event object is made for it). */
    public void seen(int tid, int pcpu, boolean scheduler, boolean timed, long timestampNs) {
        if (!scheduler && (tid != lastTid || pcpu != lastTidPcpu)) {
            Integer known = lastPcpu.get(tid);
            if (known == null || pcpu >= 0) {
                lastPcpu.put(tid, pcpu);
                lastTid = tid;
                lastTidPcpu = pcpu;
            }
        }
        if (timed) {
            newestNs = Math.max(newestNs, timestampNs);
        }
    }

    /**
     * Gives {@code out} the marks of {@code lost}, each labelled by its thread's labels; returns
     * how many.
     */
    public int marks(EventsLost lost, IntFunction<Labels> labelsOfThread, Consumer<ExitEvent> out) {
        int n = 0;
        for (Map.Entry<Integer, Integer> thread : lastPcpu.entrySet()) {
            int pcpu = thread.getValue();
            if (lost.pcpu() < 0 || pcpu < 0 || pcpu == lost.pcpu()) {
                int tid = thread.getKey();
                out.accept(ExitEventMapping.eventsLostMark(labelsOfThread.apply(tid), tid, lost.pcpu(), newestNs + 1,
                        lost.count(), lost.source(), lost.lineNumber()));
                n++;
            }
        }
        return n;
    }
}
