package io.smtreplay.ingest;

import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.kafka.ExitEventBatcher;
import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.TransactionalSender;
import io.smtreplay.kafka.WireProducer;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Publishes parsed events to the events topic (Avro single-object encoding, key host/thread so
 * each vCPU's events stay in order on one partition; in batches per vCPU or one record per event,
 * through the one {@link ExitEventBatcher}) and refused lines to the dead-letter topic, one per
 * record, through a {@link TransactionalSender}: a retried send is never duplicated, and any send that
 * fails makes the commit throw with the count, so nothing is lost silently.
 *
 * <p>It sends in Kafka transactions of {@link #RECORDS_PER_TRANSACTION} records, each committing,
 * with its records, how many records of the file (events and refused lines, in the parser's order)
 * are delivered; open batches are sent before each commit. Whenever the run stopped (a delivery failure, the process killed), what is
 * committed is exactly a prefix of the file and its length; a later run of the same file to the
 * same place reads that count and sends only the rest, so a {@code read_committed} reader (the
 * replay job) sees every record once.
 *
 * <p>A lost-event line also puts {@link EventsLostMarks} on the events topic, in the transaction
 * of the line itself (a transaction ends only before a record of the file, never between a line
 * and its marks), so the job closes the open episodes of that CPU's vCPUs as the offline projector does.
 */
public final class KafkaTracePublisher implements TraceRecordSink, AutoCloseable {
    private final TransactionalSender sender;
    private final String topic;
    private final String dlqTopic;
    private final Labels labels;
    private final IngestMetrics metrics;
    private final ExitEventBatcher batcher;
    private final WireCodec<RejectedLine> rejects = WireCodec.rejectedLines();
    private final EventsLostMarks lostMarks = new EventsLostMarks();
    private long failuresCounted;
    private long marksSent;

    /** Records per transaction: a commit costs a round trip per partition; a failure re-sends at most this many. */
    public static final int RECORDS_PER_TRANSACTION = 20_000;
    private final long delivered;
    private long position;
    private long committed;
    private int inTransaction;

    /**
     * A publisher of one input whose progress is kept in {@code progressTopic} under
     * {@code progressKey} (one per input and destination): it skips what an earlier run of that
     * input committed, and aborts what a failed run left open.
     */
    public static KafkaTracePublisher open(String bootstrap, String topic, String dlqTopic, Labels labels, IngestMetrics metrics,
                                           Duration deliveryTimeout, String progressTopic, String progressKey,
                                           ExitEventBatcher.BatchSettings batching)
            throws TopicAdmin.BrokerUnreachableException, InterruptedException {
        return new KafkaTracePublisher(TransactionalSender.open(bootstrap, deliveryTimeout, progressTopic, progressKey),
                topic, dlqTopic, labels, metrics, batching);
    }

    /**
     * A publisher of an input that cannot be read again (standard input): sent in transactions all
     * the same, but with no progress kept, since no later run could resume it.
     */
    public static KafkaTracePublisher openUnresumable(String bootstrap, String topic, String dlqTopic, Labels labels,
                                                      IngestMetrics metrics, Duration deliveryTimeout,
                                                      ExitEventBatcher.BatchSettings batching)
            throws TopicAdmin.BrokerUnreachableException {
        return new KafkaTracePublisher(TransactionalSender.openUnresumable(bootstrap, deliveryTimeout),
                topic, dlqTopic, labels, metrics, batching);
    }

    private KafkaTracePublisher(TransactionalSender sender, String topic, String dlqTopic, Labels labels, IngestMetrics metrics,
                                ExitEventBatcher.BatchSettings batching) {
        this.sender = sender;
        this.batcher = new ExitEventBatcher(batching, (key, value, newest) -> sender.send(topic, key, value));
        this.topic = topic;
        this.dlqTopic = dlqTopic;
        this.labels = labels;
        this.metrics = metrics;
        String progress = sender.committedProgress();
        this.delivered = progress == null ? 0 : Long.parseLong(progress);
        this.committed = delivered;
    }

    /** Records of this input committed so far, by this run or earlier ones: a prefix of the input. */
    public long committed() {
        return committed;
    }

    /** Records of this input an earlier run delivered: they are skipped. */
    public long delivered() {
        return delivered;
    }

    /** Records of this input the parser gave so far (sent, or skipped as delivered before). */
    public long position() {
        return position;
    }

    /** Commits what this input sent: all of it is delivered once this returns. */
    public void endFile() throws WireProducer.DeliveryException {
        commit();
    }

    @Override
    public void onEvent(ParsedEvent event) {
        lostMarks.seen(event.event()); // also for an event delivered before: a later mark needs its CPU
        if (deliveredBefore()) {
            return;
        }
        batcher.add(ExitEventMapping.toAvro(event, labels));
        metrics.event(labels);
        inTransaction++;
    }

    @Override
    public void onRefused(RefusedLine refused) {
        if (deliveredBefore()) {
            return;
        }
        sender.send(dlqTopic, utf8(refused.source()), rejects.encode(ExitEventMapping.toAvro(refused, labels)));
        metrics.refused(labels, refused.reason().code());
        inTransaction++;
    }

    /** Called right after the lost-event line went through {@link #onRefused}: its marks, unless an earlier run sent them. */
    @Override
    public void onEventsLost(EventsLost lost) {
        if (position <= delivered) {
            return;
        }
        int marks = lostMarks.marks(lost, tid -> labels, batcher::add);
        marksSent += marks;
        metrics.eventsLostMarks(labels, marks);
        inTransaction += marks;
    }

    /** Events-lost marks this input sent to the events topic. */
    public long eventsLostMarks() {
        return marksSent;
    }

    /**
     * Counts a record of the file; true when an earlier run delivered it. A full transaction is
     * committed here, before the next record, so what follows a record (a lost-event line's marks)
     * is in its transaction.
     */
    private boolean deliveredBefore() {
        // stop at the first failure too: sending on would only queue records behind a dead broker,
        // each send blocking up to the delivery timeout, and be aborted with the transaction
        if (inTransaction >= RECORDS_PER_TRANSACTION || sender.failed() > 0) {
            try {
                commit();
            } catch (WireProducer.DeliveryException e) {
                throw new UndeliveredException(e);
            }
        }
        return ++position <= delivered;
    }

    private void commit() throws WireProducer.DeliveryException {
        try {
            if (inTransaction > 0) {
                batcher.flush();
                sender.commit(Long.toString(position));
            }
            committed = position;
        } finally {
            countFailures();
        }
        inTransaction = 0;
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
        return sender.sent();
    }

    public long failed() {
        return sender.failed();
    }

    private void countFailures() {
        long failed = sender.failed();
        metrics.sendErrors(failed - failuresCounted);
        failuresCounted = failed;
    }

    @Override
    public void close() {
        sender.close();
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
