package io.smtreplay.agent;

import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.WireProducer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the spool to Kafka in order, a batch at a time, through the one {@link WireProducer}
 * (idempotent, acks=all): a batch is committed in the spool only once Kafka acknowledged all of it.
 * While the broker is down the producer retries within its delivery timeout and the spool grows; a
 * batch that still fails is sent again from the spool's committed position by a new producer.
 * Stops when asked and everything written to the spool is acknowledged.
 */
final class SpoolDrainer implements Runnable {
    private static final int BATCH = 20_000;

    private final Spool spool;
    private final String bootstrap;
    private final Duration deliveryTimeout;
    private final String[] topics;
    private final int partitions;
    private final AgentMetrics metrics;
    private volatile boolean stopWhenDrained;
    private volatile boolean finished;

    SpoolDrainer(Spool spool, String bootstrap, Duration deliveryTimeout, String topic, String dlqTopic, int partitions,
                 AgentMetrics metrics) {
        this.spool = spool;
        this.bootstrap = bootstrap;
        this.deliveryTimeout = deliveryTimeout;
        this.topics = new String[] {topic, dlqTopic};
        this.partitions = partitions;
        this.metrics = metrics;
    }

    void stopWhenDrained() {
        stopWhenDrained = true;
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void run() {
        try {
            ensureTopics();
            WireProducer producer = new WireProducer(bootstrap, deliveryTimeout);
            Spool.Reader reader = spool.reader(spool.committed());
            try {
                while (true) {
                    boolean stopping = stopWhenDrained;
                    int n = 0;
                    long bytes = 0;
                    long newest = 0;
                    Spool.Record r;
                    while (n < BATCH && (r = reader.next()) != null) {
                        producer.send(topics[r.topic()], r.key(), r.value());
                        newest = Math.max(newest, r.timestampNs());
                        bytes += r.size();
                        n++;
                    }
                    if (n == 0) {
                        if (stopping && spool.committed() >= spool.written()) {
                            return;
                        }
                        LockSupport.parkNanos(5_000_000);
                        continue;
                    }
                    try {
                        producer.flush();
                        spool.commit(reader.position(), bytes);
                        metrics.published(n, newest);
                    } catch (WireProducer.DeliveryException e) {
                        // some of the batch may be unacknowledged: a fresh producer resends from the spool
                        metrics.deliveryFailure();
                        producer.close();
                        reader.close();
                        producer = new WireProducer(bootstrap, deliveryTimeout);
                        reader = spool.reader(spool.committed());
                    }
                }
            } finally {
                producer.close();
                reader.close();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished = true;
        }
    }

    private void ensureTopics() throws InterruptedException {
        while (true) {
            try {
                TopicAdmin.ensureTopics(bootstrap, deliveryTimeout, Map.of(topics[0], partitions, topics[1], 1));
                return;
            } catch (TopicAdmin.BrokerUnreachableException e) {
                if (stopWhenDrained && spool.written() == spool.committed()) {
                    return;
                }
                Thread.sleep(1000);
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
