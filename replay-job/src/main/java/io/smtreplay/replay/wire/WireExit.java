package io.smtreplay.replay.wire;

import io.smtreplay.schemas.ExitBatchColumns;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventBatchBuilder;
import io.smtreplay.schemas.ExitEventBatches;
import java.util.List;

/**
 * One record of the exits topic as it crosses the job: an exit, or a batch of one vCPU's exits
 * ({@link #isBatch()}, its {@link #timestampNs} the batch's oldest event's). The topic's message bytes, whole, with the few fields the job
 * routes and orders it by read from them. The vCPU replay decodes the bytes once; until then no
 * operator decodes or re-encodes the event (decoding in the source and Avro re-encoding for the
 * shuffle were most of the source's time, BENCHMARKS.md issue 4), and events waiting for the
 * watermark are checkpointed as these bytes. Flink serializes it with {@link WireExitSerializer}
 * ({@link WireExitTypeInfo}); the routing fields are read once, in the source, and kept because
 * both ends of the shuffle key by {@link #host}. (The topic's key and partitioning stay per vCPU
 * thread, {@code host/threadId}.)
 */
public final class WireExit {

    /** The L0 host: the job replays all of a host's threads together (a wait's cause is on another thread). */
    public String host;
    public int threadId;
    /** The trace-clock timestamp; {@link #NO_TIMESTAMP} when the line had none. */
    public long timestampNs;
    /** The single-object message, as read from the topic. */
    public byte[] message;
    /** Where the message was read: topic, partition, offset. */
    public String topic;
    public int partition;
    public long offset;

    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public WireExit() {
    }

    public boolean hasTimestamp() {
        return timestampNs != NO_TIMESTAMP;
    }

    /** The {@code topic/partition/offset} of the message, as refusals name it. */
    public String origin() {
        return topic + "/" + partition + "/" + offset;
    }

    /**
     * What the vCPU replay decoded of a batch, kept with the record while it waits in (heap) state
     * for its later ticks; never serialized: after a restore it is decoded again.
     */
    public transient Object decoded;

    /** True for an {@code ExitEventBatch} message (told by its schema fingerprint, nothing decoded). */
    public boolean isBatch() {
        return ExitCodecs.BATCHES.knows(message);
    }

    /** The decoded event, or {@link io.smtreplay.schemas.WireCodec.WireFormatException}. */
    public ExitEvent decode() {
        return ExitCodecs.EVENTS.decode(message);
    }

    /** Every event of the record, one or a batch's; or {@link io.smtreplay.schemas.WireCodec.WireFormatException}. */
    public List<ExitEvent> decodeEvents() {
        return isBatch() ? ExitEventBatches.events(ExitCodecs.BATCHES.decode(message)) : List.of(decode());
    }

    /** This record with its message replaced by a batch of {@code events} (of this record's vCPU, at least one). */
    public WireExit withBatchOf(List<ExitEvent> events) {
        ExitEventBatchBuilder builder = new ExitEventBatchBuilder();
        events.forEach(builder::add);
        WireExit copy = new WireExitSerializer().copy(this);
        copy.timestampNs = builder.minTimestampNs();
        // the bytes straight from the columns, as every publisher writes them (no ExitEventBatch object)
        copy.message = builder.encode(ExitCodecs.BATCHES.header());
        copy.decoded = null;
        return copy;
    }

    /** A new batch reader of the same codec the source uses. */
    public static ExitBatchColumns batchReader() {
        return new ExitBatchColumns(ExitCodecs.BATCHES);
    }
}
