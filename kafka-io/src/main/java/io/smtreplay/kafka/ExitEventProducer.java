package io.smtreplay.kafka;

import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import java.nio.charset.StandardCharsets;

/**
 * Publishes already-mapped {@link ExitEvent}s (and refused lines) in the order given, keyed by
 * host and vCPU thread so that one vCPU's events stay in one partition, in order: in batches or
 * one record per event, as its {@link ExitEventBatcher.BatchSettings} say. For the local runner,
 * the tests and the benchmarks; {@code ingest} publishes through the same {@link WireProducer}
 * and {@link ExitEventBatcher}.
 */
public final class ExitEventProducer implements AutoCloseable {

    private final WireProducer producer;
    private final ExitEventBatcher batcher;
    private final WireCodec<RejectedLine> refused = WireCodec.rejectedLines();
    private final String topic;

    /** One record per event (the topic as it was before batches). */
    public ExitEventProducer(String bootstrap, String topic) {
        this(bootstrap, topic, ExitEventBatcher.BatchSettings.RECORD_PER_EVENT);
    }

    public ExitEventProducer(String bootstrap, String topic, ExitEventBatcher.BatchSettings batching) {
        this.producer = new WireProducer(bootstrap);
        this.topic = topic;
        this.batcher = new ExitEventBatcher(batching, (key, value, newest) -> producer.send(topic, key, value));
    }

    public void publish(ExitEvent e) {
        batcher.add(e);
    }

    /** A message as it is, for tests that publish bytes no codec would write. */
    public void publishRaw(byte[] key, byte[] value) {
        producer.send(topic, key, value);
    }

    /** A refused line, to the dead-letter topic {@code dlqTopic}. */
    public void publishRefused(String dlqTopic, RejectedLine line) {
        byte[] key = line.getSource() == null ? null : line.getSource().getBytes(StandardCharsets.UTF_8);
        producer.send(dlqTopic, key, refused.encode(line));
    }

    /** @throws IllegalStateException naming how many records the broker did not acknowledge */
    public void flush() {
        batcher.flush();
        try {
            producer.flush();
        } catch (WireProducer.DeliveryException e) {
            throw new IllegalStateException(e.getMessage() + " (topic " + topic + ")", e);
        }
    }

    @Override
    public void close() {
        batcher.flush(); // events still in a batch are sent, not dropped
        producer.close();
    }
}
