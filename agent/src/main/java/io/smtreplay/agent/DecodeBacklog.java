package io.smtreplay.agent;

import java.util.List;

/**
 * How far decoding runs behind reading: the pages the readers queued that the merger has not
 * taken, and the age of the oldest event among them. Decoding runs at a lower priority than the
 * guests ({@link BackgroundPriority}) and may fall behind on a busy host; this is how an operator
 * sees it before the queue's bound makes the readers wait and the ring buffers fill.
 */
final class DecodeBacklog {
    private static final long EVERY_NS = 100_000_000;

    private final List<CpuReader> readers;
    private final AgentMetrics metrics;
    private long lastNs;

    DecodeBacklog(List<CpuReader> readers, AgentMetrics metrics) {
        this.readers = readers;
        this.metrics = metrics;
    }

    /** Called after every merged batch; updates the metrics at most every 100 ms. */
    void update() {
        long now = System.nanoTime();
        if (now - lastNs < EVERY_NS) {
            return;
        }
        lastNs = now;
        long pages = 0;
        long oldest = Long.MAX_VALUE;
        for (CpuReader r : readers) {
            pages += r.queuedPages();
            oldest = Math.min(oldest, r.oldestQueuedNs());
        }
        // the instance's clock is mono, the clock of System.nanoTime()
        metrics.decodeBacklog(pages, oldest == Long.MAX_VALUE ? 0 : Math.max(0, now - oldest));
    }
}
