package io.smtreplay.replay.embedded;

import io.smtreplay.ingest.ExitEventMapping;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
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
        producer.send(new ProducerRecord<>(topic, key, codec.encode(e)));
        published++;
    }

    /** Raw bytes, e.g. a record that is not an ExitEvent at all. */
    public void publishRaw(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
        published++;
    }

    public long published() {
        return published;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
