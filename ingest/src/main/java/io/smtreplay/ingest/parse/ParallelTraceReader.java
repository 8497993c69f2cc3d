package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Reads several trace files on up to {@code threads} threads and hands every record to the
 * caller's sinks on the calling thread, in file order and in line order within a file: the same
 * calls as reading the files one after another, so what the sinks build does not depend on the
 * thread count. While the caller consumes one file, the next files are parsed ahead, each into a
 * small bounded queue (memory stays flat however long the files). Events cross threads, so they
 * are made whole ({@link ParsedEvent}); consumers that need no object per event read files apart.
 */
public final class ParallelTraceReader {
    private static final int BATCH = 1024;
    private static final int BATCHES_AHEAD = 16;

    private ParallelTraceReader() {
    }

    /**
     * Reads {@code files} into {@code sinkOf.apply(file)}. A file that cannot be read, or fails
     * part way, throws its exception once its records before the failure were delivered (a
     * {@link PartialReadException} carries their summary); later files are not delivered.
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
            List<BlockingQueue<Object>> queues = new ArrayList<>();
            for (String file : files) {
                BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCHES_AHEAD);
                queues.add(queue);
                pool.execute(() -> produce(file, queue));
            }
            List<ReadSummary> summaries = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                summaries.add(consume(queues.get(i), sinkOf.apply(files.get(i))));
            }
            return summaries;
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

    /** The end of one file's records: its summary, or what stopped it. */
    private record End(ReadSummary summary, Exception failure) {
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

    @SuppressWarnings("unchecked")
    private static ReadSummary consume(BlockingQueue<Object> queue, TraceRecordSink sink)
            throws IOException, InterruptedException {
        while (true) {
            Object next = queue.take();
            if (next instanceof End end) {
                if (end.failure() instanceof IOException io) {
                    throw io;
                }
                if (end.failure() instanceof RuntimeException r) {
                    throw r;
                }
                return end.summary();
            }
            for (Object record : (List<Object>) next) {
                if (record instanceof ParsedEvent e) {
                    sink.onEvent(e);
                } else if (record instanceof RefusedLine r) {
                    sink.onRefused(r);
                } else {
                    sink.onEventsLost((EventsLost) record);
                }
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
