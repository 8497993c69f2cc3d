package io.smtreplay.replay.wire;

import io.smtreplay.replay.EventTime;

import io.smtreplay.schemas.WireCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One wire record per element. The Kafka record gets no timestamp from Flink: the job's event time
 * is trace-clock nanoseconds (see EventTime), which brokers refuse as a record timestamp, so the
 * producer stamps the wall clock instead. It names its topic ({@link KafkaDatasetFacetProvider}):
 * the sink's pooled transaction naming needs it to find the transactions it must abort at start.
 */
final class WireRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T>,
        KafkaDatasetFacetProvider {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, byte[]> key;
    private final WireSerializationSchema<T> value;

    /** @param key null for records without key */
    WireRecordSerializer(String topic, SerializableFunction<T, byte[]> key, SerializableSupplier<WireCodec<T>> codec) {
        this.topic = topic;
        this.key = key;
        this.value = new WireSerializationSchema<>(codec);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        value.open(context);
    }

    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, key == null ? null : key.apply(element), value.serialize(element));
    }
}
