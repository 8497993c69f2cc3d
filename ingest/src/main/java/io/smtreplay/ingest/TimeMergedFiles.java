package io.smtreplay.ingest;

import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads several trace files at once and hands their events to one sink merged in timestamp order:
 * each file is already in time order (tracers print it so), so a k-way merge of their heads is,
 * and it holds one bounded queue per file, never a file's events — a 10 GB trace runs in the
 * default heap. Events without a timestamp, and refused lines, pass on as soon as they are read.
 *
 * <p>Why merge at all: the files' events share Kafka partitions, and a partition whose event time
 * jumped back by a whole file would make the job refuse the second file as late.
 */
public final class TimeMergedFiles {

    /** One file and the labels its events carry. */
    public record Input(String file, Labels labels) {
    }

    /** Receives every file's events in time order, with the labels of the file each came from. */
    public interface Sink {
        void onEvent(Labels labels, ParsedEvent event);

        void onRefused(Labels labels, RefusedLine refused);
    }

    private static final int QUEUE = 4096;

    private TimeMergedFiles() {
    }

    /**
     * Reads every input to its end.
     *
     * @return each file's summary, in the order of {@code inputs}
     * @throws IOException the first file that could not be read, naming it
     */
    public static List<ReadSummary> read(List<Input> inputs, Sink sink) throws IOException, InterruptedException {
        List<FileReader> readers = new ArrayList<>();
        for (Input input : inputs) {
            readers.add(new FileReader(input));
        }
        readers.forEach(r -> r.thread.start());
        try {
            List<FileReader> open = new ArrayList<>(readers);
            while (!open.isEmpty()) {
                FileReader earliest = null;
                for (int i = open.size() - 1; i >= 0; i--) {
                    FileReader r = open.get(i);
                    if (!r.fillHead(sink)) {
                        open.remove(i);
                    } else if (earliest == null || r.head.event().timestampNs() < earliest.head.event().timestampNs()) {
                        earliest = r;
                    }
                }
                if (earliest != null) {
                    sink.onEvent(earliest.input.labels(), earliest.head);
                    earliest.head = null;
                }
            }
            List<ReadSummary> summaries = new ArrayList<>();
            for (FileReader r : readers) {
                summaries.add(r.summary);
            }
            return summaries;
        } finally {
            readers.forEach(r -> r.thread.interrupt());
        }
    }

    /** One file read on its own thread into a bounded queue; {@link #head} is its next timestamped event. */
    private static final class FileReader {
        private static final Object END = new Object();
        private final Input input;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
        private final Thread thread;
        private volatile ReadSummary summary;
        private volatile IOException failure;
        private ParsedEvent head;
        private boolean ended;

        FileReader(Input input) {
            this.input = input;
            this.thread = new Thread(this::readAll, "read " + input.file());
            thread.setDaemon(true);
        }

        private void readAll() {
            try {
                summary = TraceFileReader.read(input.file(), new TraceRecordSink() {
                    @Override
                    public void onEvent(ParsedEvent event) {
                        put(event);
                    }

                    @Override
                    public void onRefused(RefusedLine refused) {
                        put(refused);
                    }
                });
            } catch (IOException e) {
                failure = e;
            } catch (UncheckedIOException e) {
                failure = e.getCause();
            } catch (StopReading interrupted) {
                return;
            }
            put(END);
        }

        private void put(Object item) {
            try {
                queue.put(item);
            } catch (InterruptedException e) {
                throw new StopReading();
            }
        }

        /**
         * Takes items until a timestamped event is at the head (passing on refused lines and
         * untimed events); false once the file has ended.
         */
        boolean fillHead(Sink sink) throws IOException, InterruptedException {
            while (head == null && !ended) {
                Object item = queue.take();
                if (item == END) {
                    ended = true;
                    if (failure != null) {
                        throw failure;
                    }
                } else if (item instanceof RefusedLine refused) {
                    sink.onRefused(input.labels(), refused);
                } else if (item instanceof ParsedEvent event && !event.event().hasTimestamp()) {
                    sink.onEvent(input.labels(), event);
                } else {
                    head = (ParsedEvent) item;
                }
            }
            return head != null;
        }
    }

    /** The merge ended early (an error in another file): the reader thread stops. */
    private static final class StopReading extends RuntimeException {
        StopReading() {
            super(null, null, false, false);
        }
    }
}
