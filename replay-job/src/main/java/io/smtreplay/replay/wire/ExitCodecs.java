package io.smtreplay.replay.wire;

import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventBatch;
import io.smtreplay.schemas.WireCodec;

/**
 * The exits topic's codec and its routing projection, one per JVM: codecs are thread-safe, keep
 * per-thread buffers, and are not serializable, so operators share these rather than ship them.
 */
final class ExitCodecs {

    static final WireCodec<ExitEvent> EVENTS = WireCodec.exitEvents();
    /** The same topic's batches of one vCPU's events (docs/wire.md). */
    static final WireCodec<ExitEventBatch> BATCHES = WireCodec.exitEventBatches();
    /** What the source reads of each message: the vCPU key and event time; the rest is skipped. */
    static final WireCodec<ExitEvent>.Projection ROUTING = EVENTS.projection("host", "threadId", "timestampNs");
    /** The routing fields' positions in the records read (a lookup by name hashes the name each time). */
    static final int ROUTING_HOST = ROUTING.position("host");
    static final int ROUTING_THREAD = ROUTING.position("threadId");
    static final int ROUTING_TIMESTAMP = ROUTING.position("timestampNs");

    private ExitCodecs() {
    }
}
