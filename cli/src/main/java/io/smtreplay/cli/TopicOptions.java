package io.smtreplay.cli;

import io.smtreplay.kafka.TransactionalSender;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the commands that publish ({@code ingest}, {@code agent}) write: the same options, the same defaults. */
final class TopicOptions {
    @Option(names = "--topic", defaultValue = "kvm-exits", description = "events topic (default: ${DEFAULT-VALUE})")
    String topic;
    @Option(names = "--dlq-topic", defaultValue = "kvm-exits-dlq", description = "dead-letter topic (default: ${DEFAULT-VALUE})")
    String dlqTopic;
    @Option(names = "--progress-topic", defaultValue = TransactionalSender.DEFAULT_PROGRESS_TOPIC,
            description = "compacted topic where each sender's delivered position commits with its records, so a re-run "
                    + "or restart resumes without duplicates (default: ${DEFAULT-VALUE})")
    String progressTopic;
    @Option(names = "--partitions", defaultValue = "4", description = "partitions of topics created here (default: ${DEFAULT-VALUE})")
    int partitions;

    /** Both topics with the partitions of topics created here. */
    Map<String, Integer> partitionsByTopic() {
        return Map.of(topic, partitions, dlqTopic, partitions);
    }
}
