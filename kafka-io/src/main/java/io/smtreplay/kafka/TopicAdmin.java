package io.smtreplay.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The one place topics are created: by {@code ingest}, the local runner, the replay job's
 * launcher and the tests. Topics that exist are left as they are (their partition count
 * included); a missing one is created with the broker's default replication. Returns only when
 * every partition's leader answers: KRaft reports a topic created before its leaders serve it,
 * and a producer writing at once can stall on a partition until its delivery timeout (seen in
 * full builds, stop 7).
 */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /**
     * Ensures the topics exist with (at least, for new ones exactly) the given partitions.
     *
     * @throws BrokerUnreachableException when no broker answers within {@code timeout}, or it refuses
     */
    public static void ensureTopics(String bootstrap, Duration timeout, Map<String, Integer> partitionsByTopic)
            throws BrokerUnreachableException, InterruptedException {
        ensureTopics(bootstrap, timeout, partitionsByTopic, Set.of());
    }

    /**
     * As {@link #ensureTopics(String, Duration, Map)}; the topics named in {@code compacted} are
     * created with {@code cleanup.policy=compact} (one value per key is kept: progress records).
     */
    public static void ensureTopics(String bootstrap, Duration timeout, Map<String, Integer> partitionsByTopic,
                                    Set<String> compacted) throws BrokerUnreachableException, InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        long ms = timeout.toMillis();
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = partitionsByTopic.entrySet().stream()
                    .filter(t -> !existing.contains(t.getKey()))
                    .map(t -> new NewTopic(t.getKey(), Optional.of(t.getValue()), Optional.empty())
                            .configs(compacted.contains(t.getKey()) ? Map.of("cleanup.policy", "compact") : Map.of()))
                    .toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(ms, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, partitionCounts(admin, partitionsByTopic.keySet(), timeout), timeout);
        } catch (TimeoutException e) {
            throw BrokerUnreachableException.noAnswer(bootstrap, timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw BrokerUnreachableException.noAnswer(bootstrap, timeout);
            }
            throw new BrokerUnreachableException("Kafka at " + bootstrap + " refused: " + e.getCause().getMessage());
        } catch (org.apache.kafka.common.KafkaException e) {
            // e.g. an unparsable bootstrap address: the client says so at construction
            throw new BrokerUnreachableException("cannot reach Kafka at '" + bootstrap + "': "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    /**
     * The partition count of each topic. A topic just created may be unknown for a moment to the
     * broker that answers (its metadata arrives after the controller committed the topic: a CI run
     * saw "This server does not host this topic-partition" here), so that answer is asked again
     * until the deadline, as the leaders are below.
     */
    private static Map<String, Integer> partitionCounts(Admin admin, Set<String> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + Math.max(timeout.toNanos(), 30_000_000_000L);
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                                e -> e.getValue().partitions().size()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void awaitLeaders(Admin admin, Map<String, Integer> partitionsByTopic, Duration timeout)
            throws InterruptedException, BrokerUnreachableException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        partitionsByTopic.forEach((topic, n) -> {
            for (int p = 0; p < n; p++) {
                partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        });
        long deadline = System.nanoTime() + Math.max(timeout.toNanos(), 30_000_000_000L);
        while (true) {
            try {
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new BrokerUnreachableException("topics " + partitionsByTopic.keySet()
                            + " have no serving leader: " + notYet.getCause().getMessage());
                }
                Thread.sleep(50);
            }
        }
    }

    /** No broker answered, or it refused the request: a one-line reason for the user. */
    public static final class BrokerUnreachableException extends Exception {
        public BrokerUnreachableException(String message) {
            super(message);
        }

        static BrokerUnreachableException noAnswer(String bootstrap, Duration timeout) {
            return new BrokerUnreachableException("no Kafka broker answered at " + bootstrap + " within "
                    + timeout.toSeconds() + " s (is it running? check --bootstrap)");
        }
    }
}
