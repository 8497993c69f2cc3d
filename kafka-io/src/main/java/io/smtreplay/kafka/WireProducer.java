package io.smtreplay.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one Kafka producer of smtreplay, with one guarantee, used by {@code ingest}, the local
 * runner and the dead-letter topic: idempotent with {@code acks=all} (a retried send is written
 * once, in order per partition), and every send the broker does not acknowledge is counted and
 * surfaces from {@link #flush()} as a {@link DeliveryException} naming how many of how many
 * failed and why. Nothing is dropped without a word.
 *
 * <p>Values are the wire codec's bytes; keys are UTF-8 strings (host/vCPU thread for events, the
 * source for refused lines) or null.
 */
public final class WireProducer implements AutoCloseable {

    /** How long a send may wait for a broker that is down before it counts as failed. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Callback onAck = (metadata, e) -> {
        if (e != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, e);
        }
    };

    public WireProducer(String bootstrap) {
        this(bootstrap, DEFAULT_DELIVERY_TIMEOUT);
    }

    /**
     * @param deliveryTimeout how long a record may wait for acknowledgement (retries included),
     *                        and how long a send blocks for metadata of a broker that is down
     */
    public WireProducer(String bootstrap, Duration deliveryTimeout) {
        this(bootstrap, deliveryTimeout, null);
    }

    /**
     * A producer whose sends are grouped in Kafka transactions ({@link #beginTransaction()},
     * {@link #commitTransaction()}): a {@code read_committed} consumer sees a transaction's records
     * all or none, so a sender that stopped mid-way can resume after its last commit without
     * duplicating anything. A new producer with the same {@code transactionalId} aborts whatever
     * transaction an earlier one left open, and fences it if it still runs.
     */
    public static WireProducer transactional(String bootstrap, Duration deliveryTimeout, String transactionalId) {
        WireProducer producer = new WireProducer(bootstrap, deliveryTimeout, java.util.Objects.requireNonNull(transactionalId));
        producer.producer.initTransactions();
        return producer;
    }

    private WireProducer(String bootstrap, Duration deliveryTimeout, String transactionalId) {
        Properties p = new Properties();
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            // the broker would abort a transaction open longer than this: it must outlast the
            // delivery timeout, or a broker restart the producer is still riding out aborts it
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    (int) Math.min(Math.max(60_000, deliveryTimeout.toMillis() + 60_000), 15 * 60_000));
        }
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        int requestMs = (int) Math.min(deliveryTimeout.toMillis(), 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestMs);
        // the delivery timeout must be at least linger + request timeout (the client checks)
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(deliveryTimeout.toMillis(), requestMs + 10));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeout.toMillis());
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one record; its failure, if any, is reported by {@link #flush()}. */
    public void send(String topic, byte[] key, byte[] value) {
        sent.incrementAndGet();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), onAck);
        } catch (org.apache.kafka.common.KafkaException e) {
            // e.g. metadata not available within max.block.ms: the record is not sent, so count it
            onAck.onCompletion(null, e);
        }
    }

    public long sent() {
        return sent.get();
    }

    /** Sends not acknowledged so far (final once {@link #flush()} returned). */
    public long failed() {
        return failed.get();
    }

    /**
     * Waits until every send is acknowledged or has failed.
     *
     * @throws DeliveryException if any send failed: how many of how many, and the first cause
     */
    public void flush() throws DeliveryException {
        producer.flush();
        Exception cause = firstFailure.get();
        if (cause != null) {
            throw new DeliveryException(failed.get(), sent.get(), cause);
        }
    }

    public void beginTransaction() {
        producer.beginTransaction();
    }

    /**
     * Commits the open transaction: every record sent in it is then visible to
     * {@code read_committed} consumers.
     *
     * @throws DeliveryException if a send failed or the commit did not complete; the transaction
     *                           is aborted (none of its records will ever be visible)
     */
    public void commitTransaction() throws DeliveryException {
        try {
            producer.flush();
            if (firstFailure.get() == null) {
                producer.commitTransaction();
                return;
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            firstFailure.compareAndSet(null, e);
        }
        try {
            producer.abortTransaction();
        } catch (org.apache.kafka.common.KafkaException abortFailed) {
            // fenced or broker gone: the broker aborts the open transaction itself (its timeout,
            // or the next producer with this transactional id)
        }
        throw new DeliveryException(Math.max(failed.get(), 1), sent.get(), firstFailure.get());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** Records the broker did not acknowledge. */
    public static final class DeliveryException extends Exception {
        private final long failed;
        private final long sent;

        DeliveryException(long failed, long sent, Exception cause) {
            super(failed + " of " + sent + " records were not acknowledged by Kafka: " + cause.getMessage(), cause);
            this.failed = failed;
            this.sent = sent;
        }

        public long failed() {
            return failed;
        }

        public long sent() {
            return sent;
        }
    }
}
