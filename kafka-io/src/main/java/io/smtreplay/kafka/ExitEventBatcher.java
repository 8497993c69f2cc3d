package io.smtreplay.kafka;

import io.smtreplay.schemas.EventRow;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.ExitEventBatch;
import io.smtreplay.schemas.ExitEventBatchBuilder;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place events become records of the exits topic (docs/wire.md): each vCPU thread's
 * events gathered into an {@link ExitEventBatch} of up to {@code maxEvents}, sent when full, when
 * the batch's first event is {@code linger} of trace time older than the newest event seen (of any
 * vCPU), or on {@link #flush()}; or, with {@link BatchSettings#recordPerEvent()}, one
 * {@link ExitEvent} record per event. Keys are host/thread either way, so each vCPU's records stay
 * on one partition in order. Events without a timestamp or thread go as single records, after
 * their vCPU's open batch (a batch is only what the replay can place in time).
 *
 * <p>Why trace time: a batch record's event time is its oldest event's, so a batch sent at most
 * {@code linger} of trace time after that event trails the newest event time on the topic by at
 * most {@code linger}; with {@code linger} below the replay's out-of-orderness bound, batching
 * makes no event late. A caller whose input can pause (a live capture) also calls {@link #flush()}
 * on its own clock.
 *
 * <p>Not thread-safe: one per producing thread.
 */
public final class ExitEventBatcher {

    /** Where records go: key and value bytes of the exits topic. */
    @FunctionalInterface
    public interface Output {
        /**
         * @param newestTimestampNs the newest timestamp among the record's events
         *                          ({@code Long.MIN_VALUE} for an event without one)
         */
        void send(byte[] key, byte[] value, long newestTimestampNs);
    }

    /**
     * @param maxEvents      events per batch at most
     * @param linger         the trace time a batch waits for more events of its vCPU at most
     * @param recordPerEvent one {@code ExitEvent} record per event instead (the topic before batches)
     */
    public record BatchSettings(int maxEvents, Duration linger, boolean recordPerEvent) {
        public static final int DEFAULT_MAX_EVENTS = 512;
        public static final Duration DEFAULT_LINGER = Duration.ofMillis(10);
        public static final BatchSettings DEFAULT = new BatchSettings(DEFAULT_MAX_EVENTS, DEFAULT_LINGER, false);
        public static final BatchSettings RECORD_PER_EVENT = new BatchSettings(1, Duration.ZERO, true);

        public BatchSettings {
            if (maxEvents < 1) {
                throw new IllegalArgumentException("a batch holds at least 1 event, not " + maxEvents);
            }
            if (linger.isNegative()) {
                throw new IllegalArgumentException("a negative linger: " + linger);
            }
        }

        /** These settings with the linger at most {@code bound} (a replay's out-of-orderness, say). */
        public BatchSettings lingerAtMost(Duration bound) {
            return linger.compareTo(bound) <= 0 ? this : new BatchSettings(maxEvents, bound, recordPerEvent);
        }
    }

    private final BatchSettings settings;
    private final long lingerNs;
    private final Output output;
    private final WireCodec<ExitEvent> events = WireCodec.exitEvents();
    /** Batches are written straight from the builder's columns, after this schema's header. */
    private final byte[] batchHeader = WireCodec.exitEventBatches().header();
    /** Open batches by key, oldest opened first. */
    private final Map<String, Open> open = new LinkedHashMap<>();
    private long newestNs = Long.MIN_VALUE;
    /** The earliest time an open batch's linger ends: below it, no batch needs a look. */
    private long nextLingerEndNs = Long.MAX_VALUE;
    private long recordsSent;
    private final EventRow scratch = new EventRow();
    /**
     * Builders of sent batches, emptied, for the next batches: a builder's columns grow to the batch
     * size once, not per batch. Bounded: a trace of many threads does not keep one per thread.
     */
    private final java.util.ArrayDeque<ExitEventBatchBuilder> freeBuilders = new java.util.ArrayDeque<>();
    private static final int MAX_FREE_BUILDERS = 64;
    /** Consecutive events mostly come from one thread: its key is built once. */
    private int lastKeyThread = Integer.MIN_VALUE;
    private String lastKeyHost;
    private String lastKey;

    public ExitEventBatcher(BatchSettings settings, Output output) {
        this.settings = settings;
        this.lingerNs = settings.linger().toNanos();
        this.output = output;
    }

    public void add(ExitEvent e) {
        String key = ExitEventMapping.partitionKey(e);
        if (settings.recordPerEvent() || !ExitEventBatchBuilder.batchable(e)) {
            sendAlone(key, e);
            return;
        }
        addToBatch(key, scratch.from(e));
    }

    /**
     * Adds one event given as columns (a decoder's reused row, copied here: the caller may reuse
     * it at once). The same batches, keys and order as {@link #add(ExitEvent)}, without the object.
     */
    public void add(EventRow row) {
        if (row.threadId() != lastKeyThread || !row.host().equals(lastKeyHost)) {
            lastKeyThread = row.threadId();
            lastKeyHost = row.host();
            lastKey = lastKeyHost + "/" + lastKeyThread;
        }
        if (settings.recordPerEvent() || !ExitEventBatchBuilder.batchable(row)) {
            sendAlone(lastKey, row.toExitEvent());
            return;
        }
        addToBatch(lastKey, row);
    }

    private void sendAlone(String key, ExitEvent e) {
        Open pending = open.remove(key);
        if (pending != null) {
            send(pending);
        }
        sendSingle(key, e);
    }

    private void addToBatch(String key, EventRow e) {
        Open batch = open.get(key);
        if (batch != null && !batch.builder.accepts(e)) {
            open.remove(key);
            send(batch);
            batch = null;
        }
        if (batch == null) {
            ExitEventBatchBuilder builder = freeBuilders.poll();
            batch = new Open(key, builder != null ? builder : new ExitEventBatchBuilder());
            open.put(key, batch);
        }
        batch.builder.add(e);
        long ts = e.timestampNs();
        nextLingerEndNs = Math.min(nextLingerEndNs, lingerEnd(batch.builder.minTimestampNs()));
        if (batch.builder.size() >= settings.maxEvents()) {
            open.remove(key);
            send(batch);
        }
        if (ts > newestNs) {
            newestNs = ts;
            if (newestNs >= nextLingerEndNs) {
                sendLingered();
            }
        }
    }

    /** Sends every open batch. */
    public void flush() {
        for (Open batch : open.values()) {
            send(batch);
        }
        open.clear();
        nextLingerEndNs = Long.MAX_VALUE;
    }

    /** Events added and not yet sent. */
    public int pendingEvents() {
        int n = 0;
        for (Open batch : open.values()) {
            n += batch.builder.size();
        }
        return n;
    }

    /** Records sent so far (batches and single events). */
    public long recordsSent() {
        return recordsSent;
    }

    private void sendLingered() {
        long next = Long.MAX_VALUE;
        Iterator<Open> it = open.values().iterator();
        while (it.hasNext()) {
            Open batch = it.next();
            long end = lingerEnd(batch.builder.minTimestampNs());
            if (newestNs >= end) {
                it.remove();
                send(batch);
            } else {
                next = Math.min(next, end);
            }
        }
        nextLingerEndNs = next;
    }

    private long lingerEnd(long minTimestampNs) {
        long end = minTimestampNs + lingerNs;
        return end < minTimestampNs ? Long.MAX_VALUE : end; // overflow near the end of time
    }

    private void send(Open batch) {
        long newest = batch.builder.maxTimestampNs();
        output.send(batch.key, batch.builder.encode(batchHeader), newest);
        recordsSent++;
        if (freeBuilders.size() < MAX_FREE_BUILDERS) {
            freeBuilders.push(batch.builder);
        }
    }

    private void sendSingle(String key, ExitEvent e) {
        output.send(key.getBytes(StandardCharsets.UTF_8), events.encode(e),
                e.getTimestampNs() == null ? Long.MIN_VALUE : e.getTimestampNs());
        recordsSent++;
    }

    private static final class Open {
        final byte[] key;
        final ExitEventBatchBuilder builder;

        Open(String key, ExitEventBatchBuilder builder) {
            this.key = key.getBytes(StandardCharsets.UTF_8);
            this.builder = builder;
        }
    }
}
