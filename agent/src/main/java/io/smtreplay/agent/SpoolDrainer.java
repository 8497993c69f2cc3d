package io.smtreplay.agent;

import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.TransactionalSender;
import io.smtreplay.kafka.WireProducer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the spool to Kafka in order, a batch at a time, each batch one Kafka transaction that also
 * writes the spool position it reached to the progress topic ({@link TransactionalSender}, key
 * {@code agent/<host>}). The spool's own {@code committed} file follows each commit; when the agent
 * died between the two, the position Kafka committed is the truth, and the drainer skips what it
 * says was delivered: every record reaches {@code read_committed} readers exactly once, whatever
 * moment the agent was killed at. A batch that fails (broker away beyond the delivery timeout) is
 * aborted and sent again by a new sender from the position Kafka holds. Stops when asked and
 * everything written to the spool is committed.
 */
final class SpoolDrainer implements Runnable {
    private static final int BATCH = 20_000;

    private final Spool spool;
    private final String bootstrap;
    private final Duration deliveryTimeout;
    private final String[] topics;
    private final String progressTopic;
    private final String progressKey;
    private final int partitions;
    private final AgentMetrics metrics;
    private volatile boolean stopWhenDrained;
    private volatile boolean finished;

    SpoolDrainer(Spool spool, Agent.AgentConfig config, AgentMetrics metrics) {
        this.spool = spool;
        this.bootstrap = config.bootstrap();
        this.deliveryTimeout = config.deliveryTimeout();
        this.topics = new String[] {config.topic(), config.dlqTopic()};
        this.progressTopic = config.progressTopic();
        this.progressKey = "agent/" + config.host();
        this.partitions = config.partitions();
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
            TransactionalSender sender = connect();
            if (sender == null) {
                return;
            }
            Spool.Reader reader = resume(sender);
            try {
                while (true) {
                    boolean stopping = stopWhenDrained;
                    int n = 0;
                    long bytes = 0;
                    long newest = 0;
                    Spool.Record r;
                    while (n < BATCH && (r = reader.next()) != null) {
                        sender.send(topics[r.topic()], r.key(), r.value());
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
                        sender.commit(spool.id() + ":" + reader.position());
                        spool.commit(reader.position(), bytes);
                        metrics.published(n, newest);
                    } catch (WireProducer.DeliveryException e) {
                        // aborted, or its outcome unknown: a new sender asks Kafka where the spool stands
                        metrics.deliveryFailure();
                        sender.close();
                        reader.close();
                        sender = connect();
                        if (sender == null) {
                            return;
                        }
                        reader = resume(sender);
                    }
                }
            } finally {
                if (sender != null) {
                    sender.close();
                }
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

    /**
     * A reader at the first record Kafka has not committed: the spool's position, or further when
     * the agent committed a transaction but died before noting it in the spool.
     */
    private Spool.Reader resume(TransactionalSender sender) throws IOException {
        long delivered = deliveredPosition(sender.committedProgress());
        Spool.Reader reader = spool.reader(spool.committed());
        if (delivered > spool.committed()) {
            long bytes = 0;
            while (reader.position() < delivered) {
                Spool.Record r = reader.next();
                if (r == null) {
                    throw new IOException("Kafka's progress topic says spool " + spool.id() + " was delivered up to record "
                            + delivered + ", but the spool ends at " + reader.position());
                }
                bytes += r.size();
            }
            spool.commit(delivered, bytes);
        }
        return reader;
    }

    /** The spool position in {@code progress} ({@code <spool id>:<position>}), or 0 when it is another spool's. */
    private long deliveredPosition(String progress) {
        String prefix = spool.id() + ":";
        return progress != null && progress.startsWith(prefix) ? Long.parseLong(progress.substring(prefix.length())) : 0;
    }

    /** Topics and a sender, retried while Kafka is away; null when stopping with nothing left to send. */
    private TransactionalSender connect() throws InterruptedException {
        while (true) {
            try {
                TopicAdmin.ensureTopics(bootstrap, deliveryTimeout, Map.of(topics[0], partitions, topics[1], 1));
                return TransactionalSender.open(bootstrap, deliveryTimeout, progressTopic, progressKey);
            } catch (TopicAdmin.BrokerUnreachableException e) {
                if (stopWhenDrained && spool.written() == spool.committed()) {
                    return null;
                }
                Thread.sleep(1000);
            }
        }
    }
}
