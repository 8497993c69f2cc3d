package io.smtreplay.ingest;

import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.kafka.ExitEventBatcher;
import io.smtreplay.kafka.WireProducer;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * Publishes parsed events to the events topic (Avro single-object encoding, key host/thread so
 * each vCPU's events stay in order on one partition; in batches per vCPU or one record per event,
 * through the one {@link ExitEventBatcher}) and refused lines to the dead-letter topic, one per record,
 * through the one {@link WireProducer}: a retried send is never duplicated, and any send that
 * fails makes {@link #flush()} throw with the count, so nothing is lost silently.
 *
 * <p>Made {@link #resumable resumable}, it sends in Kafka transactions of
 * {@link #RECORDS_PER_TRANSACTION} records and counts the records of the current file
 * (events and refused lines, in the parser's order): after a delivery failure, what was committed
 * is exactly a prefix of the file (open batches are sent before each commit), and a later run given
 * that count skips it and sends the rest,
 * so a {@code read_committed} reader (the replay job) sees every record once.
 */
public final class KafkaTracePublisher implements TraceRecordSink, AutoCloseable {
    private final WireProducer producer;
    private final String topic;
    private final String dlqTopic;
    private final Labels labels;
    private final IngestMetrics metrics;
    private final ExitEventBatcher batcher;
    private final WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();
    private long failuresCounted;

    /** Records per transaction: a commit costs a round trip per partition; a failure re-sends at most this many. */
    public static final int RECORDS_PER_TRANSACTION = 20_000;
    private final boolean transactional;
    private long position;
    private long skipUntil;
    private int inTransaction;
    private LongConsumer onCommit = committed -> { };

    public KafkaTracePublisher(String bootstrap, String topic, String dlqTopic, Labels labels, IngestMetrics metrics,
                               Duration timeout, ExitEventBatcher.BatchSettings batching) {
        this(new WireProducer(bootstrap, timeout), false, topic, dlqTopic, labels, metrics, batching);
    }

    /**
     * A publisher in transactions under {@code transactionalId} (one per input and destination: a
     * run resuming it aborts what the failed run left open).
     */
    public static KafkaTracePublisher resumable(String bootstrap, String topic, String dlqTopic, Labels labels,
                                                IngestMetrics metrics, Duration deliveryTimeout, String transactionalId,
                                                ExitEventBatcher.BatchSettings batching) {
        return new KafkaTracePublisher(WireProducer.transactional(bootstrap, deliveryTimeout, transactionalId), true,
                topic, dlqTopic, labels, metrics, batching);
    }

    private KafkaTracePublisher(WireProducer producer, boolean transactional, String topic, String dlqTopic, Labels labels,
                                IngestMetrics metrics, ExitEventBatcher.BatchSettings batching) {
        this.producer = producer;
        this.batcher = new ExitEventBatcher(batching, (key, value, newest) -> producer.send(topic, key, value));
        this.transactional = transactional;
        this.topic = topic;
        this.dlqTopic = dlqTopic;
        this.labels = labels;
        this.metrics = metrics;
    }

    /**
     * Starts a file whose first {@code alreadyDelivered} records an earlier run committed: they are
     * skipped. {@code onCommit} hears the file's committed record count after each commit.
     */
    public void startFile(long alreadyDelivered, LongConsumer onCommit) {
        this.position = 0;
        this.skipUntil = alreadyDelivered;
        this.onCommit = onCommit;
    }

    /** Records of the current file the parser gave so far (sent, or skipped as delivered before). */
    public long position() {
        return position;
    }

    /** Commits what the current file sent: all of it is delivered once this returns. */
    public void endFile() throws WireProducer.DeliveryException {
        if (transactional) {
            commit();
        } else {
            flush();
        }
    }

    @Override
    public void onEvent(ParsedEvent event) {
        if (delivered()) {
            return;
        }
        batcher.add(ExitEventMapping.toAvro(event, labels));
        metrics.event(labels);
        countSent();
    }

    @Override
    public void onRefused(RefusedLine refused) {
        if (delivered()) {
            return;
        }
        producer.send(dlqTopic, utf8(refused.source()), rejects.encode(ExitEventMapping.toAvro(refused, labels)));
        metrics.refused(labels, refused.reason().code());
        countSent();
    }

    /** Counts a record of the file; true when an earlier run delivered it. Opens a transaction before a first send. */
    private boolean delivered() {
        if (++position <= skipUntil) {
            return true;
        }
        if (transactional && producer.failed() > 0) {
            // stop at the first failure: sending on would only queue records behind a dead broker,
            // each send blocking up to the delivery timeout, and be aborted with the transaction
            try {
                commit();
            } catch (WireProducer.DeliveryException e) {
                throw new UndeliveredException(e);
            }
        }
        if (transactional && inTransaction == 0) {
            producer.beginTransaction();
        }
        return false;
    }

    private void countSent() {
        if (transactional && ++inTransaction >= RECORDS_PER_TRANSACTION) {
            try {
                commit();
            } catch (WireProducer.DeliveryException e) {
                throw new UndeliveredException(e);
            }
        }
    }

    private void commit() throws WireProducer.DeliveryException {
        try {
            if (inTransaction > 0) {
                batcher.flush();
                producer.commitTransaction();
            }
        } finally {
            countFailures();
        }
        inTransaction = 0;
        onCommit.accept(position);
    }

    /** A commit inside the parser's callback failed: carries the delivery failure out of the parser. */
    public static final class UndeliveredException extends RuntimeException {
        public UndeliveredException(WireProducer.DeliveryException cause) {
            super(cause.getMessage(), cause);
        }

        public WireProducer.DeliveryException delivery() {
            return (WireProducer.DeliveryException) getCause();
        }
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
        batcher.flush();
        try {
            producer.flush();
        } finally {
            countFailures();
        }
    }

    private void countFailures() {
        long failed = producer.failed();
        metrics.sendErrors(failed - failuresCounted);
        failuresCounted = failed;
    }

    @Override
    public void close() {
        producer.close();
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
