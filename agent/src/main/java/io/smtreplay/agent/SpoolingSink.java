package io.smtreplay.agent;

import io.smtreplay.ingest.EventsLostMarks;
import io.smtreplay.ingest.ftrace.RecordView;
import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.kafka.ExitEventBatcher;
import io.smtreplay.schemas.EventRow;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns the merged stream into Kafka records exactly as {@code ingest} publishes them (the events
 * topic's batches through the one {@link ExitEventBatcher}, key host/thread; refused records,
 * lost-event marks included, to the dead-letter topic) and appends them to the {@link Spool}.
 * The agent calls {@link #flush()} after each merge round: a live input can pause, so batches
 * also end on the agent's clock, not only on trace time.
 *
 * <p>A ring-buffer overrun on a CPU also goes to the events topic, as {@link EventsLostMarks} (the
 * rule {@code ingest} follows too), in each thread's batch so it keeps its place among the
 * thread's events.
 */
final class SpoolingSink implements TraceRecordSink {
    private final Spool spool;
    private final ThreadLabels labels;
    private final Labels hostOnly;
    private final AgentMetrics metrics;
    private final ExitEventBatcher batcher = new ExitEventBatcher(ExitEventBatcher.BatchSettings.DEFAULT,
            (key, value, newest) -> append(Spool.TOPIC_EVENTS, newest, key, value));
    private final WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();
    private final EventsLostMarks lostMarks = new EventsLostMarks();
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
        lostMarks.seen(event.event());
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
        lostMarks.seen(row.threadId(), row.pcpu(), record.kind().isScheduler(), row.hasTimestamp(), row.timestampNs());
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
        lostMarks.marks(lost, labels::of, batcher::add);
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
