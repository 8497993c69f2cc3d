package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Reads several trace files ahead on threads and hands every record to the caller's per-file
 * sinks on the calling thread, in one of two delivery orders:
 * <ul>
 *   <li>{@link #readAll file order} ({@code stat}, {@code project}): the same calls as reading the
 *       files one after another, so what the sinks build does not depend on the thread count;</li>
 *   <li>{@link #readTimeMerged time order} ({@code run}'s publisher): a k-way merge of the files'
 *       timestamped events. Each file is already in time order (tracers print it so), so merging
 *       the heads is enough. Why merge at all: the files' events share Kafka partitions, and a
 *       partition whose event time jumped back by a whole file would make the job refuse the second
 *       file as late. Refused lines, lost-event marks and events without a timestamp pass on as soon
 *       as they reach the head of their file.</li>
 * </ul>
 * Each file is parsed into a small bounded queue of batches, so memory stays flat however long the
 * files. Events cross threads, so they are made whole ({@link ParsedEvent}); consumers that need no
 * object per event read files apart.
 */
public final class ParallelTraceReader {
    private static final int BATCH = 1024;
    /** Batches parsed ahead of the consumer per file, in file order (a few files at a time). */
    private static final int BATCHES_AHEAD = 16;
    /** Per file in a merge, where every file is read at once: ≈ 4 k events each. */
    private static final int MERGE_BATCHES_AHEAD = 4;

    private ParallelTraceReader() {
    }

    /**
     * Reads {@code files} into {@code sinkOf.apply(file)} in file order. A file that cannot be
     * read, or fails part way, throws its exception once its records before the failure were
     * delivered (a {@link PartialReadException} carries their summary); later files are not
     * delivered.
     */
    public static List<ReadSummary> readAll(List<String> files, int threads, Function<String, TraceRecordSink> sinkOf)
            throws IOException {
        if (threads <= 1) {
            List<ReadSummary> summaries = new ArrayList<>();
            for (String file : files) {
                summaries.add(TraceFileReader.read(file, sinkOf.apply(file)));
            }
            return summaries;
        }
        ExecutorService pool = readerThreads(Math.min(threads, files.size()));
        try {
            List<FileCursor> cursors = startReading(files, sinkOf, pool, BATCHES_AHEAD);
            List<ReadSummary> summaries = new ArrayList<>();
            for (FileCursor cursor : cursors) {
                while (cursor.advanceToTimedEvent()) {
                    cursor.deliverHead();
                }
                summaries.add(cursor.summary);
            }
            return summaries;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Reads every file at once and delivers their timestamped events merged in time order, each to
     * the sink of the file it came from. The first file that fails ends the merge with its
     * exception (naming the file); what was merged before it was delivered.
     *
     * @return each file's summary, in the order of {@code files}
     */
    public static List<ReadSummary> readTimeMerged(List<String> files, Function<String, TraceRecordSink> sinkOf)
            throws IOException {
        if (files.size() <= 1) {
            return readAll(files, 1, sinkOf);
        }
        ExecutorService pool = readerThreads(files.size()); // a merge needs every file's head at once
        try {
            List<FileCursor> cursors = startReading(files, sinkOf, pool, MERGE_BATCHES_AHEAD);
            List<FileCursor> open = new ArrayList<>(cursors);
            while (!open.isEmpty()) {
                FileCursor earliest = null;
                for (int i = open.size() - 1; i >= 0; i--) {
                    FileCursor cursor = open.get(i);
                    if (!cursor.advanceToTimedEvent()) {
                        open.remove(i);
                    } else if (earliest == null || cursor.headTime() < earliest.headTime()) {
                        earliest = cursor;
                    }
                }
                if (earliest != null) {
                    earliest.deliverHead();
                }
            }
            return cursors.stream().map(c -> c.summary).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A pool of {@code threads} daemon threads for reading files (a reader never holds the JVM open). */
    public static ExecutorService readerThreads(int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "trace-reader");
            t.setDaemon(true);
            return t;
        });
    }

    private static List<FileCursor> startReading(List<String> files, Function<String, TraceRecordSink> sinkOf,
                                                 ExecutorService pool, int batchesAhead) {
        List<FileCursor> cursors = new ArrayList<>();
        for (String file : files) {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(batchesAhead);
            cursors.add(new FileCursor(queue, sinkOf.apply(file)));
            pool.execute(() -> produce(file, queue));
        }
        return cursors;
    }

    /** The end of one file's records: its summary, or what stopped it. */
    private record End(ReadSummary summary, Exception failure) {

        ReadSummary summaryOrThrow() throws IOException {
            if (failure instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            return summary;
        }
    }

    private static void produce(String file, BlockingQueue<Object> queue) {
        Batching sink = new Batching(queue);
        End end;
        try {
            ReadSummary summary = TraceFileReader.read(file, sink);
            end = new End(summary, null);
        } catch (Interrupted e) {
            return; // the caller stopped reading
        } catch (IOException | RuntimeException e) {
            end = new End(null, e);
        }
        try {
            sink.flush();
            queue.put(end);
        } catch (InterruptedException | Interrupted e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The consuming side of one file's queue: walks its batches, passing untimed records straight to
     * the file's sink and stopping at each timestamped event (the head) so the caller decides when
     * it is delivered.
     */
    private static final class FileCursor {
        private final BlockingQueue<Object> queue;
        private final TraceRecordSink sink;
        private List<?> batch = List.of();
        private int next;
        private ParsedEvent head;
        private boolean ended;
        private ReadSummary summary;

        FileCursor(BlockingQueue<Object> queue, TraceRecordSink sink) {
            this.queue = queue;
            this.sink = sink;
        }

        /** True when a timestamped event is at the head; false once the file has ended. */
        boolean advanceToTimedEvent() throws IOException, InterruptedException {
            while (head == null && !ended) {
                if (next == batch.size()) {
                    Object item = queue.take();
                    if (item instanceof End end) {
                        ended = true;
                        summary = end.summaryOrThrow();
                    } else {
                        batch = (List<?>) item;
                        next = 0;
                    }
                    continue;
                }
                Object record = batch.get(next++);
                if (record instanceof ParsedEvent event && event.event().hasTimestamp()) {
                    head = event;
                } else {
                    deliver(record);
                }
            }
            return head != null;
        }

        long headTime() {
            return head.event().timestampNs();
        }

        void deliverHead() {
            ParsedEvent event = head;
            head = null;
            sink.onEvent(event);
        }

        private void deliver(Object record) {
            if (record instanceof ParsedEvent event) {
                sink.onEvent(event);
            } else if (record instanceof RefusedLine refused) {
                sink.onRefused(refused);
            } else {
                sink.onEventsLost((EventsLost) record);
            }
        }
    }

    /** Thrown inside the parse when the caller stopped reading (the queue's put was interrupted). */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super(null, null, false, false);
        }
    }

    /** Collects a file's records into batches for its queue. */
    private static final class Batching implements TraceRecordSink {
        private final BlockingQueue<Object> queue;
        private List<Object> batch = new ArrayList<>(BATCH);

        Batching(BlockingQueue<Object> queue) {
            this.queue = queue;
        }

        @Override
        public void onEvent(ParsedEvent event) {
            add(event);
        }

        @Override
        public void onRefused(RefusedLine refused) {
            add(refused);
        }

        @Override
        public void onEventsLost(EventsLost lost) {
            add(lost);
        }

        private void add(Object record) {
            batch.add(record);
            if (batch.size() == BATCH) {
                flush();
            }
        }

        void flush() {
            if (batch.isEmpty()) {
                return;
            }
            try {
                queue.put(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Interrupted();
            }
            batch = new ArrayList<>(BATCH);
        }
    }
}
