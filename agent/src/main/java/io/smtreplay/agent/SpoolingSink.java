package io.smtreplay.agent;

import io.smtreplay.ingest.ftrace.RecordView;
import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.kafka.ExitEventBatcher;
import io.smtreplay.schemas.EventRow;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the merged stream into Kafka records exactly as {@code ingest} publishes them (the events
 * topic's batches through the one {@link ExitEventBatcher}, key host/thread; refused records,
 * lost-event marks included, to the dead-letter topic) and appends them to the {@link Spool}.
 * The agent calls {@link #flush()} after each merge round: a live input can pause, so batches
 * also end on the agent's clock, not only on trace time.
 *
 * <p>A ring-buffer overrun on a CPU also goes to the events topic, as an {@code EVENTS_LOST} mark
 * for each vCPU thread last seen on that CPU (every thread seen, when the CPU is unknown), in that
 * thread's batch so it keeps its place among the thread's events: the job replays per thread, and
 * this is where the thread-to-CPU knowledge is, the same rule as the offline projector's. The mark
 * is stamped just after the newest event merged so far.
 */
final class SpoolingSink implements TraceRecordSink {
    private final Spool spool;
    private final ThreadLabels labels;
    private final Labels hostOnly;
    private final AgentMetrics metrics;
    private final ExitEventBatcher batcher = new ExitEventBatcher(ExitEventBatcher.BatchSettings.DEFAULT,
            (key, value, newest) -> append(Spool.TOPIC_EVENTS, newest, key, value));
    private final WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();
    /** vCPU thread -> the CPU of its newest event. */
    private final Map<Integer, Integer> lastPcpu = new HashMap<>();
    private long newestNs;
    /** The thread and CPU of the newest event: lastPcpu is updated only when they change. */
    private int lastTid = Integer.MIN_VALUE;
    private int lastTidPcpu;
    /** The labels of the newest event's thread (consecutive records mostly come from one thread). */
    private int labelledTid;
    private Labels labelled;

    SpoolingSink(Spool spool, ThreadLabels labels, String host, AgentMetrics metrics) {
        this.spool = spool;
        this.labels = labels;
        this.hostOnly = new Labels(host, null, ThreadLabels.UNKNOWN_APP);
        this.metrics = metrics;
    }

    @Override
    public void onEvent(ParsedEvent event) {
        batcher.add(ExitEventMapping.toAvro(event, labels.of(event.event().tid())));
        seen(event.event().tid(), event.event().pcpu(), event.event().hasTimestamp(), event.event().timestampNs());
    }

    /** A decoded ring-buffer record: its columns go into the thread's batch, with no event object on the way. */
    @Override
    public void onDecoded(RecordView record) {
        EventRow row = record.row();
        if (row.threadId() != labelledTid || labelled == null) {
            labelledTid = row.threadId();
            labelled = labels.of(labelledTid);
        }
        Labels l = labelled;
        batcher.add(row.labels(l.host(), l.vm(), l.app()));
        seen(row.threadId(), row.pcpu(), row.hasTimestamp(), row.timestampNs());
    }

    private void seen(int tid, int pcpu, boolean timed, long timestampNs) {
        if (tid != lastTid || pcpu != lastTidPcpu) {
            lastPcpu.put(tid, pcpu);
            lastTid = tid;
            lastTidPcpu = pcpu;
        }
        if (timed) {
            newestNs = Math.max(newestNs, timestampNs);
        }
    }

    /** Appends the open batches to the spool. */
    void flush() {
        batcher.flush();
    }

    @Override
    public void onRefused(RefusedLine refused) {
        append(Spool.TOPIC_REJECTS, 0, refused.source().getBytes(StandardCharsets.UTF_8),
                rejects.encode(ExitEventMapping.toAvro(refused, hostOnly)));
    }

    @Override
    public void onEventsLost(EventsLost lost) {
        // the mark itself went to the dead-letter topic through onRefused (reason events-lost); count it by CPU here
        metrics.lost(lost.pcpu(), lost.count());
        lastPcpu.forEach((tid, pcpu) -> {
            if (lost.pcpu() < 0 || pcpu == lost.pcpu()) {
                ExitEvent mark = ExitEventMapping.eventsLostMark(labels.of(tid), tid, lost.pcpu(), newestNs + 1, lost.count(),
                        lost.source(), lost.lineNumber());
                batcher.add(mark);
            }
        });
    }

    private void append(int topic, long ts, byte[] key, byte[] value) {
        try {
            spool.append(topic, ts, key, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the spool was full", e);
        }
    }
}
