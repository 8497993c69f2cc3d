package io.smtreplay.agent;

import io.smtreplay.ingest.ftrace.DecodedPage;
import io.smtreplay.ingest.ftrace.EventDecoder;
import io.smtreplay.ingest.parse.TraceRecordSink;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Merges the CPU readers' pages into one stream in timestamp order, so each thread's events —
 * which move between CPUs when the thread migrates — reach the sink in the order they happened.
 * A record is released once every CPU's stream is complete up to its time
 * ({@link CpuReader#completeUpToNs()}); records are decoded here, by the one {@link EventDecoder}
 * of the source, so ordinals count across CPUs. A page's lost-event mark goes out when the page is
 * taken, before its records.
 */
final class TimeOrderMerger {
    private static final long IDLE_PAUSE_NS = 1_000_000;

    private final List<CpuReader> readers;
    private final EventDecoder decoder;
    private final TraceRecordSink sink;
    private final LostEvents lost;
    private final DecodedPage[] current;
    private final int[] next;

    /** Where page-flagged losses are counted per CPU (the agent reconciles them with the kernel's stats). */
    interface LostEvents {
        void fromPage(int cpu, long count);
    }

    TimeOrderMerger(List<CpuReader> readers, EventDecoder decoder, TraceRecordSink sink, LostEvents lost) {
        this.readers = readers;
        this.decoder = decoder;
        this.sink = sink;
        this.lost = lost;
        this.current = new DecodedPage[readers.size()];
        this.next = new int[readers.size()];
    }

    /** Runs until every reader has finished and everything it read went to the sink. */
    void run(Runnable afterBatch) {
        while (true) {
            long watermark = Long.MAX_VALUE;
            boolean allFinished = true;
            for (CpuReader r : readers) {
                // finished first: a reader that finishes after this check still has its pages queued
                allFinished &= r.finished();
                watermark = Math.min(watermark, r.completeUpToNs());
            }
            int released = releaseUpTo(watermark);
            afterBatch.run();
            if (allFinished && released == 0 && nothingQueued()) {
                return;
            }
            if (released == 0) {
                LockSupport.parkNanos(IDLE_PAUSE_NS);
            }
        }
    }

    private int releaseUpTo(long watermark) {
        int released = 0;
        while (true) {
            int best = -1;
            long bestTs = Long.MAX_VALUE;
            for (int i = 0; i < current.length; i++) {
                if (!hasRecord(i)) {
                    continue;
                }
                long ts = current[i].timestamp(next[i]);
                if (ts <= watermark && ts < bestTs) {
                    best = i;
                    bestTs = ts;
                }
            }
            if (best < 0) {
                return released;
            }
            DecodedPage page = current[best];
            int i = next[best]++;
            decoder.decode(page.buffer(), page.recordOffset(i), page.recordLength(i), bestTs,
                    readers.get(best).cpu(), sink);
            released++;
        }
    }

    /** Whether reader {@code i} has a record at hand, taking its next page (and its lost mark) if needed. */
    private boolean hasRecord(int i) {
        while (current[i] == null || next[i] >= current[i].recordCount()) {
            DecodedPage page = readers.get(i).poll();
            if (page == null) {
                current[i] = null;
                return false;
            }
            current[i] = page;
            next[i] = 0;
            if (page.missedEvents()) {
                int cpu = readers.get(i).cpu();
                decoder.eventsLost(cpu, page.lostEvents(), sink);
                lost.fromPage(cpu, page.lostEvents() == DecodedPage.LOST_UNKNOWN ? 0 : page.lostEvents());
            }
        }
        return true;
    }

    private boolean nothingQueued() {
        for (int i = 0; i < current.length; i++) {
            if (hasRecord(i)) {
                return false;
            }
        }
        return true;
    }
}
