package io.smtreplay.ingest;

import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.kafka.WireProducer;
import io.smtreplay.schemas.ExitEvent;
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
 * each vCPU's events stay in order on one partition) and refused lines to the dead-letter topic,
 * through the one {@link WireProducer}: a retried send is never duplicated, and any send that
 * fails makes {@link #flush()} throw with the count, so nothing is lost silently.
 *
 * <p>Made {@link #resumable resumable}, it sends in Kafka transactions of
 * {@link #RECORDS_PER_TRANSACTION} records and counts the records of the current file
 * (events and refused lines, in the parser's order): after a delivery failure, what was committed
 * is exactly a prefix of the file, and a later run given that count skips it and sends the rest,
 * so a {@code read_committed} reader (the replay job) sees every record once.
 */
public final class KafkaTracePublisher implements TraceRecordSink, AutoCloseable {
    private final WireProducer producer;
    private final String topic;
    private final String dlqTopic;
    private final Labels labels;
    private final IngestMetrics metrics;
    private final WireCodec<ExitEvent> events = WireCodec.exitEvents();
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
                               Duration timeout) {
        this(new WireProducer(bootstrap, timeout), false, topic, dlqTopic, labels, metrics);
    }

    /**
     * A publisher in transactions under {@code transactionalId} (one per input and destination: a
     * run resuming it aborts what the failed run left open).
     */
    public static KafkaTracePublisher resumable(String bootstrap, String topic, String dlqTopic, Labels labels,
                                                IngestMetrics metrics, Duration deliveryTimeout, String transactionalId) {
        return new KafkaTracePublisher(WireProducer.transactional(bootstrap, deliveryTimeout, transactionalId), true,
                topic, dlqTopic, labels, metrics);
    }

    private KafkaTracePublisher(WireProducer producer, boolean transactional, String topic, String dlqTopic, Labels labels,
                                IngestMetrics metrics) {
        this.producer = producer;
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
        ExitEvent avro = ExitEventMapping.toAvro(event, labels);
        producer.send(topic, utf8(ExitEventMapping.partitionKey(avro)), events.encode(avro));
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
