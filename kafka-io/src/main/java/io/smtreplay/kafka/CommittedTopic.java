package io.smtreplay.kafka;

import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventBatches;
import io.smtreplay.schemas.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every committed record of a topic of wire records, such as the results or the dead letters
 * (records of transactions aborted or still open are not seen).
 */
public final class CommittedTopic {

    private CommittedTopic() {
    }

    /** Every committed record of {@code topic} as wire records of {@code codec}. */
    public static <T extends SpecificRecord> List<T> readAll(String bootstrap, String topic, WireCodec<T> codec) {
        return records(bootstrap, topic).stream().map(r -> codec.decode(r.value())).toList();
    }

    /** Every committed event of an exits topic, whichever form carries it (docs/wire.md), in offset order per partition. */
    public static List<ExitEvent> readAllEvents(String bootstrap, String topic) {
        return records(bootstrap, topic).stream()
                .flatMap(r -> ExitEventBatches.eventsOf(r.value()).stream()).toList();
    }

    /** Every committed record of {@code topic} as it is, up to the end offsets when this is called. */
    public static List<ConsumerRecord<byte[], byte[]>> records(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "smtreplay-results-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets: the last stable offset
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
