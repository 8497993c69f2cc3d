package io.smtreplay.bench;

import io.smtreplay.ingest.ftrace.DecodedPage;
import io.smtreplay.ingest.ftrace.EventDecoder;
import io.smtreplay.ingest.ftrace.PageDecoder;
import io.smtreplay.ingest.ftrace.RecordView;
import io.smtreplay.kafka.ExitEventBatcher;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;
import io.smtreplay.ingest.ftrace.TraceDatFile;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.ingest.parse.EventView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Decoding ring-buffer pages against parsing text, on the same events, in this thread's CPU time
 * (the machine is shared; wall time measures the neighbours). Inputs: an uncompressed trace.dat
 * ({@code trace-cmd convert --compression none}) and the {@code trace-cmd report} text of the same
 * capture. Each round runs, on the report text repeated {@code REPEAT} times and on every page of
 * the file decoded {@code REPEAT} times, side by side:
 * <ul>
 *   <li>text into events ({@code TraceFileReader}: the 1x), into typed views ({@code EventView}, no
 *       object per event), and into events, {@code ExitEvent}s and batch bytes (ingest's publishing path);</li>
 *   <li>pages into events with every payload rendered, with the payload only where it is read (the
 *       default), into typed views ({@code RecordView}), into batch columns and their Avro bytes (the
 *       agent's path: rows into {@code ExitEventBatcher}), and through events and {@code ExitEvent}s
 *       into the same batches (the agent's path before);</li>
 * </ul>
 * then reads the compressed original through {@link TraceDatFile} (file, zstd, CPU merge) for the
 * end-to-end figure. Usage: {@code PageDecodeCpuTime PAGES.dat REPORT.txt[.gz] ZSTD.dat [ROUNDS] [REPEAT]}.
 */
public final class PageDecodeCpuTime {

    private PageDecodeCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        Path uncompressed = Path.of(args[0]);
        byte[] report = read(Path.of(args[1]));
        Path original = Path.of(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int repeat = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] sink = new long[2];
        TraceRecordSink counting = new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                sink[0]++;
                sink[1] += event.event().timestampNs() + event.event().payload().length();
            }

            @Override
            public void onRefused(RefusedLine refused) {
                sink[1] += refused.lineNumber();
            }
        };

        TraceDatFile file = TraceDatFile.open(uncompressed);
        List<ByteBuffer> cpuData = new ArrayList<>();
        List<Integer> cpus = new ArrayList<>();
        for (TraceDatFile.CpuData c : file.buffers().get(0).cpus()) {
            byte[] bytes = new byte[(int) c.size()];
            try (var ch = java.nio.channels.FileChannel.open(uncompressed)) {
                ch.read(ByteBuffer.wrap(bytes), c.offset());
            }
            cpuData.add(ByteBuffer.wrap(bytes));
            cpus.add(c.cpu());
        }
        PageDecoder pages = new PageDecoder(file.formats().layout());
        DecodedPage page = new DecodedPage();
        StringBuilder text = new StringBuilder();
        String reportText = new String(report, java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < repeat; i++) {
            text.append(reportText);
        }
        byte[] repeatedReport = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);

        long[] bytes = new long[1];
        ExitEventBatcher batcher = new ExitEventBatcher(ExitEventBatcher.BatchSettings.DEFAULT,
                (key, value, newest) -> bytes[0] += key.length + value.length);
        Labels labels = new Labels("bench-host", "vm", "app");
        // ingest's publishing path, and the agent's before: each event made whole, mapped to an ExitEvent, batched, encoded
        TraceRecordSink viaObjects = new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                sink[0]++;
                batcher.add(ExitEventMapping.toAvro(event, labels));
            }

            @Override
            public void onRefused(RefusedLine refused) {
                sink[1] += refused.lineNumber();
            }
        };
        // the agent's path now (SpoolingSink.onDecoded): each record's columns copied into its thread's batch
        TraceRecordSink toColumns = new Views(sink) {
            @Override
            public void onDecoded(RecordView record) {
                sink[0]++;
                batcher.add(record.row().labels(labels.host(), labels.vm(), labels.app()));
            }
        };
        // typed fields decoded, no object per event: what each reader hands a consumer that needs no more
        TraceRecordSink views = new Views(sink);

        sink[0] = 0;
        decodeAll(file, cpuData, cpus, pages, page, counting, 1, EventDecoder.Payload.EVERY_EVENT);
        long events = repeat * sink[0];
        List<Phase> phases = List.of(
                new Phase("report text -> events (TraceFileReader)", () -> TraceFileReader.read("bench",
                        new ByteArrayInputStream(repeatedReport), counting)),
                new Phase("report text -> typed views (EventView)", () -> TraceFileReader.read("bench",
                        new ByteArrayInputStream(repeatedReport), views)),
                new Phase("report text -> events -> ExitEvent -> batch bytes", () -> {
                    TraceFileReader.read("bench", new ByteArrayInputStream(repeatedReport), viaObjects);
                    batcher.flush();
                }),
                new Phase("pages -> events, every payload", () -> decodeAll(file, cpuData, cpus, pages, page, counting,
                        repeat, EventDecoder.Payload.EVERY_EVENT)),
                new Phase("pages -> events, payload where read", () -> decodeAll(file, cpuData, cpus, pages, page,
                        counting, repeat, EventDecoder.Payload.WHERE_READ)),
                new Phase("pages -> typed views (RecordView)", () -> decodeAll(file, cpuData, cpus, pages, page, views,
                        repeat, EventDecoder.Payload.WHERE_READ)),
                new Phase("pages -> batch columns -> batch bytes", () -> {
                    decodeAll(file, cpuData, cpus, pages, page, toColumns, repeat, EventDecoder.Payload.WHERE_READ);
                    batcher.flush();
                }),
                new Phase("pages -> events -> ExitEvent -> batch bytes", () -> {
                    decodeAll(file, cpuData, cpus, pages, page, viaObjects, repeat, EventDecoder.Payload.WHERE_READ);
                    batcher.flush();
                }));
        System.out.printf("%-52s %12s %12s %14s%n", "round", "events", "CPU ms", "events/CPU-s");
        for (int r = 0; r < rounds * 2; r++) {
            String round = r < rounds ? "warm-up " : "";
            for (Phase phase : phases) {
                sink[0] = 0;
                long cpu = mx.getCurrentThreadCpuTime();
                phase.work.run();
                long used = mx.getCurrentThreadCpuTime() - cpu;
                if (sink[0] != events) {
                    throw new IllegalStateException(phase.name + ": " + sink[0] + " events, not " + events);
                }
                report(round + phase.name, events, used);
            }
            long cpu = mx.getCurrentThreadCpuTime();
            sink[0] = 0;
            for (int i = 0; i < repeat / 10; i++) {
                TraceFileReader.read(original.toString(), counting);
            }
            report(round + "trace.dat zstd file -> events (whole path)", sink[0], mx.getCurrentThreadCpuTime() - cpu);
        }
        file.close();
        System.out.println("checksum " + sink[1] + ", batch bytes " + bytes[0] + ", batches " + batcher.recordsSent());
    }

    private interface Work {
        void run() throws IOException;
    }

    private record Phase(String name, Work work) {
    }

    /** Counts the typed views of both readers, reading a field of each so that nothing is optimized away. */
    private static class Views implements TraceRecordSink {
        final long[] sink;

        Views(long[] sink) {
            this.sink = sink;
        }

        @Override
        public void onDecoded(EventView event) {
            sink[0]++;
            sink[1] += event.timestampNs();
        }

        @Override
        public void onDecoded(RecordView record) {
            sink[0]++;
            sink[1] += record.row().timestampNs();
        }

        @Override
        public void onEvent(ParsedEvent event) {
            throw new IllegalStateException("views only");
        }

        @Override
        public void onRefused(RefusedLine refused) {
            sink[1] += refused.lineNumber();
        }
    }


    private static void decodeAll(TraceDatFile file, List<ByteBuffer> cpuData, List<Integer> cpus, PageDecoder pages,
                                  DecodedPage page, TraceRecordSink sink, int repeat, EventDecoder.Payload payload)
            throws IOException {
        int pageSize = file.formats().layout().subBufferSize();
        EventDecoder events = new EventDecoder(file.formats(), "bench", EventDecoder.traceCmdComms(file.comms()))
                .withPayload(payload);
        for (int i = 0; i < repeat; i++) {
            for (int c = 0; c < cpuData.size(); c++) {
                ByteBuffer data = cpuData.get(c);
                for (int at = 0; at + pageSize <= data.limit(); at += pageSize) {
                    pages.decode(data, at, page);
                    events.decodePage(page, cpus.get(c), sink);
                }
            }
        }
    }

    private static void report(String what, long events, long cpuNs) {
        System.out.printf("%-52s %12d %12.1f %14.0f%n", what, events, cpuNs / 1e6, events / (cpuNs / 1e9));
    }

    private static byte[] read(Path file) throws IOException {
        try (InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file))
                : Files.newInputStream(file)) {
            return in.readAllBytes();
        }
    }
}
