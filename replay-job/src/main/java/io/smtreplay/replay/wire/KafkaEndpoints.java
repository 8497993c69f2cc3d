package io.smtreplay.replay.wire;

import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

/**
 * The job's Kafka source and sinks. Results are written in Kafka transactions committed with
 * each checkpoint (exactly once for {@code read_committed} consumers), and keyed by
 * app/config/window so a compacted topic keeps one value per result even across job restarts
 * from older checkpoints (README, "Streaming job, metrics and exactly-once").
 */
public final class KafkaEndpoints {

    /** Kafka brokers refuse producer transaction timeouts above transaction.max.timeout.ms (15 min by default). */
    static final String TRANSACTION_TIMEOUT_MS = String.valueOf(10 * 60 * 1000);

    /**
     * Transactional ids reused from a small pool per subtask (connector 4.0+, FLIP-511), and at
     * start every open transaction under the prefix is found with Kafka's ListTransactions and
     * aborted. The default (INCREMENTING) takes a new id per checkpoint and, on recovery, probes
     * ids one by one; with short checkpoint intervals its committer and a restarted writer fenced
     * each other in a loop (issue 11, item 2a). The prefix stays the group's, fixed across
     * launches: that is what lets a new launch abort a crashed one's transactions, which would
     * otherwise hold back every read_committed consumer of the topic until they time out.
     */
    static final TransactionNamingStrategy NAMING = TransactionNamingStrategy.POOLING;

    private final String bootstrap;
    private final Topics topics;
    private final String group;

    /** @param group consumer group and prefix of the transactional ids: one per job */
    public KafkaEndpoints(String bootstrap, Topics topics, String group) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.group = group;
    }

    /**
     * The exits topic from the earliest offset; {@code bounded}: up to the offsets at job start
     * (the job ends when it has replayed them), else unbounded.
     */
    public KafkaSource<SourceRecord> exits(boolean bounded) {
        return exits(bounded, new ExitEventRecordDeserializer());
    }

    /** The exits topic read with another deserializer (tests inject failures through it). */
    public KafkaSource<SourceRecord> exits(boolean bounded, KafkaRecordDeserializationSchema<SourceRecord> deserializer) {
        KafkaSourceBuilder<SourceRecord> b = KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topics.exits())
                .setGroupId(group)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(deserializer)
                .setProperty("isolation.level", "read_committed");
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    public KafkaSink<AppSpeedup> speedups() {
        return KafkaSink.<AppSpeedup>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(new WireRecordSerializer<>(topics.speedups(), KafkaEndpoints::resultKey,
                        WireCodec::appSpeedups))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(group + "-speedups")
                .setTransactionNamingStrategy(NAMING)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }

    public KafkaSink<RejectedLine> deadLetters() {
        return KafkaSink.<RejectedLine>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(new WireRecordSerializer<>(topics.deadLetters(), null, WireCodec::rejectedLines))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(group + "-refused")
                .setTransactionNamingStrategy(NAMING)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }

    /** app/config/window start: the same result always has the same key. */
    public static byte[] resultKey(AppSpeedup s) {
        return (s.getApp() + "/" + s.getConfig() + "/" + s.getWindowStartNs()).getBytes(StandardCharsets.UTF_8);
    }
}
