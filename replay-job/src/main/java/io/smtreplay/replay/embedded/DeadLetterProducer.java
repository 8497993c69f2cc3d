package io.smtreplay.replay.embedded;

import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Lines {@code run} refused while reading its files, to the dead-letter topic the job also writes. */
final class DeadLetterProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final WireCodec<RejectedLine> codec = WireCodec.rejectedLines();
    private final String topic;

    DeadLetterProducer(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    void publish(RejectedLine line) {
        producer.send(new ProducerRecord<>(topic, codec.encode(line)));
    }

    @Override
    public void close() {
        producer.close();
    }
}
