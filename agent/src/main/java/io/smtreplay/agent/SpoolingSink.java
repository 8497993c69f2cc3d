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

/**
 * Turns the merged stream into Kafka records exactly as {@code ingest} publishes them (the events
 * topic's Avro and key host/thread from {@link ExitEventMapping}; refused records, lost-event marks
 * included, to the dead-letter topic) and appends them to the {@link Spool}.
 */
final class SpoolingSink implements TraceRecordSink {
    private final Spool spool;
    private final ThreadLabels labels;
    private final Labels hostOnly;
    private final AgentMetrics metrics;
    private final WireCodec<ExitEvent> events = WireCodec.exitEvents();
    private final WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();

    SpoolingSink(Spool spool, ThreadLabels labels, String host, AgentMetrics metrics) {
        this.spool = spool;
        this.labels = labels;
        this.hostOnly = new Labels(host, null, ThreadLabels.UNKNOWN_APP);
        this.metrics = metrics;
    }

    @Override
    public void onEvent(ParsedEvent event) {
        ExitEvent avro = ExitEventMapping.toAvro(event, labels.of(event.event().tid()));
        append(Spool.TOPIC_EVENTS, event.event().timestampNs(), ExitEventMapping.partitionKey(avro), events.encode(avro));
    }

    @Override
    public void onRefused(RefusedLine refused) {
        append(Spool.TOPIC_REJECTS, 0, refused.source(), rejects.encode(ExitEventMapping.toAvro(refused, hostOnly)));
    }

    @Override
    public void onEventsLost(EventsLost lost) {
        // the mark itself went out through onRefused (reason events-lost); count it by CPU here
        metrics.lost(lost.pcpu(), lost.count());
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
