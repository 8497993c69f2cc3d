package io.smtreplay.replay.embedded;

import io.smtreplay.ingest.ExitEventMapping;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes {@link ExitEvent} records in the order given (run merges its inputs by time first),
 * keyed by host and vCPU thread so that one vCPU's events stay in one partition, in order.
 */
public final class ExitEventProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final WireCodec<ExitEvent> codec = WireCodec.exitEvents();
    private final String topic;
    private long published;
    /** Sends the broker did not acknowledge (within the delivery timeout), and the first one's cause. */
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Callback onAck = (metadata, e) -> {
        if (e != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, e);
        }
    };

    public ExitEventProducer(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    public void publish(ExitEvent e) {
        byte[] key = ExitEventMapping.partitionKey(e).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, codec.encode(e)), onAck);
        published++;
    }

    /** Raw bytes, e.g. a record that is not an ExitEvent at all. */
    public void publishRaw(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), onAck);
        published++;
    }

    public long published() {
        return published;
    }

    /**
     * Waits until every record sent so far is acknowledged.
     *
     * @throws IllegalStateException when any was not: a run must not replay a silently shortened input
     */
    public void flush() {
        producer.flush();
        Exception cause = firstFailure.get();
        if (cause != null) {
            throw new IllegalStateException(failed.get() + " of " + published + " records could not be published to "
                    + topic + ": " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
