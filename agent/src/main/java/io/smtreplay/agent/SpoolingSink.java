package io.smtreplay.agent;

import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.ingest.parse.TraceRecordSink;
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
 * topic's Avro and key host/thread from {@link ExitEventMapping}; refused records, lost-event marks
 * included, to the dead-letter topic) and appends them to the {@link Spool}.
 *
 * <p>A ring-buffer overrun on a CPU also goes to the events topic, as an {@code EVENTS_LOST} mark
 * for each vCPU thread last seen on that CPU (every thread seen, when the CPU is unknown): the
 * job replays per thread, and this is where the thread-to-CPU knowledge is, the same rule as the
 * offline projector's. The mark is stamped just after the newest event merged so far.
 */
final class SpoolingSink implements TraceRecordSink {
    private final Spool spool;
    private final ThreadLabels labels;
    private final Labels hostOnly;
    private final AgentMetrics metrics;
    private final WireCodec<ExitEvent> events = WireCodec.exitEvents();
    private final WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();
    /** vCPU thread -> the CPU of its newest event. */
    private final Map<Integer, Integer> lastPcpu = new HashMap<>();
    private long newestNs;

    SpoolingSink(Spool spool, ThreadLabels labels, String host, AgentMetrics metrics) {
        this.spool = spool;
        this.labels = labels;
        this.hostOnly = new Labels(host, null, ThreadLabels.UNKNOWN_APP);
        this.metrics = metrics;
    }

    @Override
    public void onEvent(ParsedEvent event) {
        ExitEvent avro = ExitEventMapping.toAvro(event, labels.of(event.event().tid()));
        lastPcpu.put(event.event().tid(), event.event().pcpu());
        if (event.event().hasTimestamp()) {
            newestNs = Math.max(newestNs, event.event().timestampNs());
        }
        append(Spool.TOPIC_EVENTS, event.event().timestampNs(), ExitEventMapping.partitionKey(avro), events.encode(avro));
    }

    @Override
    public void onRefused(RefusedLine refused) {
        append(Spool.TOPIC_REJECTS, 0, refused.source(), rejects.encode(ExitEventMapping.toAvro(refused, hostOnly)));
    }

    @Override
    public void onEventsLost(EventsLost lost) {
        // the mark itself went to the dead-letter topic through onRefused (reason events-lost); count it by CPU here
        metrics.lost(lost.pcpu(), lost.count());
        lastPcpu.forEach((tid, pcpu) -> {
            if (lost.pcpu() < 0 || pcpu == lost.pcpu()) {
                ExitEvent mark = ExitEventMapping.eventsLostMark(labels.of(tid), tid, lost.pcpu(), newestNs + 1, lost.count(),
                        lost.source(), lost.lineNumber());
                append(Spool.TOPIC_EVENTS, newestNs + 1, ExitEventMapping.partitionKey(mark), events.encode(mark));
            }
        });
    }

    private void append(int topic, long ts, String key, byte[] value) {
        try {
            spool.append(topic, ts, key.getBytes(StandardCharsets.UTF_8), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the spool was full", e);
        }
    }
}
