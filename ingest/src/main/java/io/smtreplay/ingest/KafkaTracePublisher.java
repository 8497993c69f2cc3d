package io.smtreplay.ingest;

import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.kafka.WireProducer;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Publishes parsed events to the events topic (Avro single-object encoding, key host/thread so
 * each vCPU's events stay in order on one partition) and refused lines to the dead-letter topic,
 * through the one {@link WireProducer}: a retried send is never duplicated, and any send that
 * fails makes {@link #flush()} throw with the count, so nothing is lost silently.
 */
public final class KafkaTracePublisher implements TraceRecordSink, AutoCloseable {
    private final WireProducer producer;
    private final String topic;
    private final String dlqTopic;
    private final Labels labels;
    private final IngestMetrics metrics;
    private final WireCodec<ExitEvent> events = WireCodec.exitEvents();
    private final WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();
    private long failuresCounted;

    public KafkaTracePublisher(String bootstrap, String topic, String dlqTopic, Labels labels, IngestMetrics metrics,
                               Duration timeout) {
        this.producer = new WireProducer(bootstrap, timeout);
        this.topic = topic;
        this.dlqTopic = dlqTopic;
        this.labels = labels;
        this.metrics = metrics;
    }

    @Override
    public void onEvent(ParsedEvent event) {
        ExitEvent avro = ExitEventMapping.toAvro(event, labels);
        producer.send(topic, utf8(ExitEventMapping.partitionKey(avro)), events.encode(avro));
        metrics.event(labels);
    }

    @Override
    public void onRefused(RefusedLine refused) {
        producer.send(dlqTopic, utf8(refused.source()), rejects.encode(ExitEventMapping.toAvro(refused, labels)));
        metrics.refused(labels, refused.reason().code());
    }

    /** Records sent so far, and how many of them the broker did not acknowledge. */
    public long sent() {
        return producer.sent();
    }

    public long failed() {
        return producer.failed();
    }

    /** @throws WireProducer.DeliveryException naming how many records Kafka did not acknowledge */
    public void flush() throws WireProducer.DeliveryException {
        try {
            producer.flush();
        } finally {
            long failed = producer.failed();
            metrics.sendErrors(failed - failuresCounted);
            failuresCounted = failed;
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
