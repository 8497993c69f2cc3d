package io.smtreplay.ingest;

import io.smtreplay.ingest.parse.ParsedEvent;
import io.smtreplay.ingest.parse.RefusedLine;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.WireCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes parsed events to the events topic (Avro single-object encoding, key host/thread so
 * each vCPU's events stay in order on one partition) and refused lines to the dead-letter topic.
 * Idempotent producer with acks=all: a retried send is never duplicated. Any send that fails
 * makes {@link #flush()} throw, so nothing is lost silently.
 */
public final class KafkaTracePublisher implements TraceRecordSink, AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String dlqTopic;
    private final Labels labels;
    private final IngestMetrics metrics;
    private final WireCodec<ExitEvent> events = WireCodec.exitEvents();
    private final WireCodec<io.smtreplay.schemas.RejectedLine> rejects = WireCodec.rejectedLines();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    public KafkaTracePublisher(String bootstrap, String topic, String dlqTopic, Labels labels, IngestMetrics metrics,
                               Duration timeout) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 60_000));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.dlqTopic = dlqTopic;
        this.labels = labels;
        this.metrics = metrics;
    }

    /**
     * Creates the topics if missing. Fails within {@code timeout} with a clear message when the
     * broker cannot be reached.
     */
    public static void ensureTopics(String bootstrap, Duration timeout, int partitions, String... topics)
            throws BrokerUnreachableException, InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = java.util.Arrays.stream(topics).filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, java.util.Optional.of(partitions), java.util.Optional.empty()))
                    .collect(Collectors.toList());
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new BrokerUnreachableException("no Kafka broker answered at " + bootstrap + " within "
                    + timeout.toSeconds() + " s (is it running? check --bootstrap)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new BrokerUnreachableException("no Kafka broker answered at " + bootstrap + " within "
                        + timeout.toSeconds() + " s (is it running? check --bootstrap)");
            }
            throw new BrokerUnreachableException("Kafka at " + bootstrap + " refused: " + e.getCause().getMessage());
        }
    }

    @Override
    public void onEvent(ParsedEvent event) {
        ExitEvent avro = ExitEventMapping.toAvro(event, labels);
        producer.send(new ProducerRecord<>(topic, ExitEventMapping.partitionKey(avro), events.encode(avro)), this::acked);
        metrics.event(labels);
    }

    @Override
    public void onRefused(RefusedLine refused) {
        producer.send(new ProducerRecord<>(dlqTopic, refused.source(), rejects.encode(ExitEventMapping.toAvro(refused, labels))),
                this::acked);
        metrics.refused(labels, refused.reason().code());
    }

    private void acked(Object metadata, Exception e) {
        if (e != null) {
            firstFailure.compareAndSet(null, e);
            metrics.sendError();
        }
    }

    /** Waits until every record sent so far is acknowledged; throws if any was not. */
    public void flush() {
        producer.flush();
        Exception e = firstFailure.get();
        if (e != null) {
            throw new IllegalStateException("Kafka did not accept every record: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** The broker could not be reached or refused the topics. */
    public static final class BrokerUnreachableException extends Exception {
        public BrokerUnreachableException(String message) {
            super(message);
        }
    }

}
