package io.smtreplay.cli;

import io.smtreplay.kafka.ExitEventBatcher.BatchSettings;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How a publishing command groups events into records of the exits topic (docs/wire.md). */
final class BatchOptions {
    @Option(names = "--batch-events", paramLabel = "N", defaultValue = "512",
            description = "events of one vCPU per record at most (default: ${DEFAULT-VALUE})")
    int batchEvents;
    @Option(names = "--batch-linger", paramLabel = "T", defaultValue = "10ms", converter = TraceDuration.class,
            description = "trace time a vCPU's batch waits for more events at most; keep it below the replay's "
                    + "--out-of-orderness (default: ${DEFAULT-VALUE})")
    Duration batchLinger;
    @Option(names = "--record-per-event",
            description = "one ExitEvent record per event, as before batches (for consumers that read only that form)")
    boolean recordPerEvent;

    /** @throws CommandLine.ParameterException (exit 2) for a batch of no events */
    BatchSettings settings(CommandLine.Model.CommandSpec spec) {
        if (batchEvents < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch-events must be at least 1, not " + batchEvents);
        }
        return recordPerEvent ? BatchSettings.RECORD_PER_EVENT : new BatchSettings(batchEvents, batchLinger, false);
    }
}
