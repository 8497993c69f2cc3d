package io.smtreplay.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Sends records in Kafka transactions whose <em>progress</em> (how far the sender's input got, as
 * text: a record count, a spool position) is written to a compacted progress topic, under the
 * sender's key, <em>in the same transaction</em>. A {@code read_committed} reader therefore sees
 * a transaction's records exactly when it sees its progress: a sender that crashed anywhere —
 * before, during or after a commit — resumes from {@link #committedProgress()} and sends neither
 * a duplicate nor a gap. The transactional id is fixed per key, so opening a sender aborts what
 * a dead predecessor left open and fences it if it still runs.
 *
 * <p>Used by the agent (key {@code agent/<host>}, progress its spool position) and by
 * {@code ingest} (key {@code ingest/<file and destination>}, progress the file's record count).
 * An input that cannot be read again (standard input) cannot resume: its sender
 * ({@link #openUnresumable}) commits in transactions too but writes no progress, which would only
 * pile up in the compacted topic under keys nobody reads again.
 */
public final class TransactionalSender implements AutoCloseable {
    /** The default progress topic of every smtreplay sender. */
    public static final String DEFAULT_PROGRESS_TOPIC = "smtreplay-progress";

    private final WireProducer producer;
    private final String progressTopic;
    /** null: an unresumable sender, no progress written. */
    private final byte[] progressKey;
    private final String committedProgress;
    private boolean inTransaction;
    /** Why a commit failed, once one did: Kafka's producer is then in its error state for good. */
    private String failedCommit;

    private TransactionalSender(WireProducer producer, String progressTopic, byte[] progressKey, String committedProgress) {
        this.producer = producer;
        this.progressTopic = progressTopic;
        this.progressKey = progressKey;
        this.committedProgress = committedProgress;
    }

    /**
     * Creates the progress topic if missing, takes over the transactional id of {@code key}
     * (aborting a predecessor's open transaction) and reads the progress it committed last.
     *
     * @throws TopicAdmin.BrokerUnreachableException when Kafka does not answer within {@code deliveryTimeout}
     */
    public static TransactionalSender open(String bootstrap, Duration deliveryTimeout, String progressTopic, String key)
            throws TopicAdmin.BrokerUnreachableException, InterruptedException {
        TopicAdmin.ensureTopics(bootstrap, deliveryTimeout, Map.of(progressTopic, 1), Set.of(progressTopic));
        WireProducer producer;
        try {
            producer = WireProducer.transactional(bootstrap, deliveryTimeout, "smtreplay-" + key.replace('/', '-'));
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new TopicAdmin.BrokerUnreachableException("Kafka at " + bootstrap + " did not take the transactional id of "
                    + key + ": " + e.getMessage());
        }
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        try {
            // after initTransactions: the predecessor's open transaction is aborted, so its progress is final
            return new TransactionalSender(producer, progressTopic, keyBytes,
                    lastCommitted(bootstrap, progressTopic, keyBytes, deliveryTimeout));
        } catch (RuntimeException e) {
            producer.close();
            throw new TopicAdmin.BrokerUnreachableException("cannot read the progress of " + key + " from " + progressTopic
                    + ": " + e.getMessage());
        }
    }

    /**
     * A sender whose input cannot be read again: a transactional id of its own (nothing to fence),
     * no progress read or written; {@link #commit} commits the records alone.
     *
     * @throws TopicAdmin.BrokerUnreachableException when Kafka does not take the transactional id
     */
    public static TransactionalSender openUnresumable(String bootstrap, Duration deliveryTimeout)
            throws TopicAdmin.BrokerUnreachableException {
        String id = "smtreplay-unresumable-" + UUID.randomUUID();
        try {
            return new TransactionalSender(WireProducer.transactional(bootstrap, deliveryTimeout, id), null, null, null);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new TopicAdmin.BrokerUnreachableException("Kafka at " + bootstrap + " did not take a transactional id: "
                    + e.getMessage());
        }
    }

    /** The progress committed last under this sender's key, or null if none ever was (always, for an unresumable one). */
    public String committedProgress() {
        return committedProgress;
    }

    /**
     * Sends one record in the current transaction (opened by the first send after a commit).
     *
     * @throws IllegalStateException after a failed {@link #commit}: only a new sender can send
     */
    public void send(String topic, byte[] key, byte[] value) {
        requireNoFailedCommit();
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        producer.send(topic, key, value);
    }

    /** Records not acknowledged so far: a commit now would fail. */
    public long failed() {
        return producer.failed();
    }

    public long sent() {
        return producer.sent();
    }

    /**
     * Writes {@code progress} (unless unresumable) and commits it with every record sent since the last commit.
     *
     * @throws WireProducer.DeliveryException when the transaction did not commit: none of it is
     *     visible, and {@link #committedProgress()} of a new sender says where to resume (a commit
     *     whose answer was lost may have gone through). This sender is then done: every later
     *     send or commit throws {@link IllegalStateException} at once
     */
    public void commit(String progress) throws WireProducer.DeliveryException {
        requireNoFailedCommit();
        if (progressKey != null) {
            send(progressTopic, progressKey, progress.getBytes(StandardCharsets.UTF_8));
        } else if (!inTransaction) {
            return; // nothing sent, nothing to commit
        }
        inTransaction = false;
        try {
            producer.commitTransaction();
        } catch (WireProducer.DeliveryException e) {
            failedCommit = e.getMessage();
            throw e;
        }
    }

    /**
     * A failed commit leaves Kafka's producer in its error state (and the failure counted): it
     * would fail every later transaction with a stale cause, or throw from deep inside the client.
     * Say so at once instead.
     */
    private void requireNoFailedCommit() {
        if (failedCommit != null) {
            throw new IllegalStateException("a commit of this sender failed (" + failedCommit
                    + "); open a new sender, which resumes after the last committed progress");
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /**
     * The last committed value of {@code key}. Reads until the {@code read_committed} position
     * reaches the end the partition had when the read began, so a progress record written behind
     * another sender's still-open transaction is waited for (at most that transaction's timeout),
     * not missed.
     */
    private static String lastCommitted(String bootstrap, String topic, byte[] key, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "smtreplay-progress-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
        byte[] last = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = highWatermarks(bootstrap, partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(key, r.key())) {
                        last = r.value();
                    }
                }
            }
        }
        return last == null ? null : new String(last, StandardCharsets.UTF_8);
    }

    /** End offsets counting open transactions too (read_uncommitted): what must be settled before the read ends. */
    private static Map<TopicPartition, Long> highWatermarks(String bootstrap, List<TopicPartition> partitions) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return new HashMap<>(c.endOffsets(partitions));
        }
    }
}
