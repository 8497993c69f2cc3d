package io.smtreplay.replay.wire;

import io.smtreplay.schemas.ExitEvent;

/**
 * One exit as it crosses the job: the topic's message bytes, whole, with the few fields the job
 * routes and orders it by read from them. The vCPU replay decodes the bytes once; until then no
 * operator decodes or re-encodes the event (decoding in the source and Avro re-encoding for the
 * shuffle were most of the source's time, BENCHMARKS.md issue 4), and events waiting for the
 * watermark are checkpointed as these bytes. Flink serializes it with {@link WireExitSerializer}
 * ({@link WireExitTypeInfo}); the routing fields are read once, in the source, and kept because
 * both ends of the shuffle key by {@link #vcpuKey}.
 */
public final class WireExit {

    /** The vCPU thread, {@code host/threadId}: thread ids repeat across hosts. */
    public String vcpuKey;
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

    /** The decoded event, or {@link io.smtreplay.schemas.WireCodec.WireFormatException}. */
    public ExitEvent decode() {
        return ExitCodecs.EVENTS.decode(message);
    }
}
