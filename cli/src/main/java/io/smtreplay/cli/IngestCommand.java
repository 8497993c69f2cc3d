package io.smtreplay.cli;

import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.WireProducer;
import java.util.Map;

import io.smtreplay.ingest.ProgressKey;
import io.smtreplay.ingest.IngestMetrics;
import io.smtreplay.ingest.KafkaTracePublisher;
import io.smtreplay.trace.Labels;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.ingest.parse.TraceFileReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smtreplay ingest}: parses trace files and publishes their events to Kafka (ExitEventBatch
 * or ExitEvent records, keyed host/thread, docs/wire.md) and their refused lines to the dead-letter topic, then prints a summary.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        description = "Parse trace files and publish their events to Kafka; refused lines go to the dead-letter topic.")
public final class IngestCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
    String bootstrap;
    @Option(names = "--host", required = true, description = "the L0 host the traces come from")
    String host;
    @Option(names = "--app", required = true, description = "the customer application label")
    String app;
    @Option(names = "--vm", description = "the VM label")
    String vm;
    @picocli.CommandLine.Mixin
    TopicOptions topics;
    @picocli.CommandLine.Mixin
    BatchOptions batching;
    @Option(names = "--connect-timeout", defaultValue = "15s", paramLabel = "D", converter = TraceDuration.class,
            description = "how long to wait for the broker before sending (default: ${DEFAULT-VALUE})")
    Duration connectTimeout;
    @Option(names = "--delivery-timeout", defaultValue = "2m", paramLabel = "D", converter = TraceDuration.class,
            description = "how long a record may wait for the broker, retries included, before the ingest stops; "
                    + "long enough to ride out a broker restart (default: ${DEFAULT-VALUE})")
    Duration deliveryTimeout;
    @Option(names = "--metrics-port", description = "serve ingest metrics for Prometheus on this port")
    Integer metricsPort;
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files (plain or .gz), '-' for standard input")
    List<String> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    IngestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }


    @Override
    public Integer call() throws Exception {
        if (bootstrap.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap is empty: give HOST:PORT of a Kafka broker");
        }
        Labels labels = new Labels(host, vm, app);
        io.smtreplay.kafka.ExitEventBatcher.BatchSettings batchSettings = batching.settings(spec);
        for (String f : files) {
            if (!f.equals("-") && !Files.isReadable(Path.of(f))) {
                err.println("smtreplay ingest: cannot read " + f);
                return CliSupport.ERROR;
            }
        }
        try {
            TopicAdmin.ensureTopics(bootstrap, connectTimeout, topics.partitionsByTopic());
        } catch (TopicAdmin.BrokerUnreachableException e) {
            err.println("smtreplay ingest: " + e.getMessage());
            return CliSupport.ERROR;
        }
        long events = 0;
        long refused = 0;
        String destination = bootstrap + "\n" + topics.topic + "\n" + topics.dlqTopic + "\n" + labels;
        try (IngestMetrics metrics = new IngestMetrics()) {
            if (metricsPort != null) {
                metrics.serve(metricsPort);
            }
            boolean terminal = System.console() != null;
            for (int i = 0; i < files.size(); i++) {
                String file = files.get(i);
                // standard input cannot be read again: it is sent in transactions too, but keeps no progress
                boolean resumable = !file.equals("-");
                String progressKey = resumable ? ProgressKey.of(Path.of(file), destination) : null;
                ReadSummary s;
                long delivered;
                long marks;
                try (KafkaTracePublisher publisher = resumable
                        ? KafkaTracePublisher.open(bootstrap, topics.topic, topics.dlqTopic, labels, metrics,
                                deliveryTimeout, topics.progressTopic, progressKey, batchSettings)
                        : KafkaTracePublisher.openUnresumable(bootstrap, topics.topic, topics.dlqTopic, labels, metrics,
                                deliveryTimeout, batchSettings)) {
                    delivered = publisher.delivered();
                    if (delivered > 0) {
                        err.printf("%s: resuming after the %d records an earlier run delivered (%s in %s)%n", file, delivered,
                                progressKey, topics.progressTopic);
                    }
                    try {
                        s = read(file, publisher, terminal);
                        publisher.endFile();
                        marks = publisher.eventsLostMarks();
                    } catch (KafkaTracePublisher.UndeliveredException | WireProducer.DeliveryException e) {
                        WireProducer.DeliveryException d = e instanceof KafkaTracePublisher.UndeliveredException u ? u.delivery()
                                : (WireProducer.DeliveryException) e;
                        return undelivered(file, publisher.committed(), resumable, d, files.subList(i + 1, files.size()));
                    }
                } catch (TopicAdmin.BrokerUnreachableException e) {
                    err.println("smtreplay ingest: " + file + ": " + e.getMessage());
                    return CliSupport.ERROR;
                }
                events += s.events();
                refused += s.refused();
                out.printf("%s: %d lines, %d events sent to %s, %d refused to %s%s%s%s%n", file, s.lines(), s.events(), topics.topic,
                        s.refused(), topics.dlqTopic, s.detectedFormat() == null ? "" : " (format " + s.detectedFormat().cliName() + ")",
                        marks == 0 ? "" : "; " + marks + " events-lost mark(s) sent to " + topics.topic
                                + " (one per vCPU thread last seen on a CPU that lost events)",
                        delivered > 0 ? "; the first " + delivered + " records were delivered by an earlier run" : "");
                s.refusedByReason().forEach((r, n) -> out.printf("    %-20s %d%n", r.code(), n));
            }
        }
        out.printf("total: %d events sent, %d lines refused, %d files%n", events, refused, files.size());
        return CliSupport.OK;
    }

    private ReadSummary read(String file, KafkaTracePublisher publisher, boolean terminal) throws IOException {
        if (file.equals("-")) {
            return TraceFileReader.read(file, publisher);
        }
        // open, not Files.newInputStream: a pipe or named pipe cannot seek
        try (ProgressBar bar = new ProgressBar(TraceFileReader.open(Path.of(file)), Files.size(Path.of(file)),
                terminal ? err : null, file)) {
            return TraceFileReader.read(file, bar, publisher);
        }
    }

    /**
     * A file Kafka did not take whole: what was delivered (a prefix of the file, committed) and
     * what was not, per file, and how to send the rest without duplicating anything.
     */
    private int undelivered(String file, long committed, boolean resumable, WireProducer.DeliveryException e,
                            List<String> notStarted) {
        out.printf("%s: NOT delivered whole: its first %d records are on Kafka, the rest are not%n", file, committed);
        notStarted.forEach(f -> out.printf("%s: not sent%n", f));
        err.printf("smtreplay ingest: %s: %s%s%n", file, e.getMessage(), resumable
                ? "; re-run the same command to send the rest (the delivered count is committed in " + topics.progressTopic + ")"
                : " (standard input cannot be resumed)");
        return CliSupport.ERROR;
    }

    /**
     * Counts the bytes read from a file (compressed bytes for .gz) and, on a terminal, redraws
     * {@code [#####-----] 52% file} on stderr at most every 200 ms for files over 8 MiB.
     */
    private static final class ProgressBar extends FilterInputStream {
        private static final long MIN_SIZE = 8L << 20;
        private final long size;
        private final PrintStream terminal;
        private final String file;
        private long read;
        private long lastDraw;

        ProgressBar(InputStream in, long size, PrintStream terminal, String file) {
            super(in);
            this.size = size;
            this.terminal = size >= MIN_SIZE ? terminal : null;
            this.file = file;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) {
                advance(n);
            }
            return n;
        }

        private void advance(int n) {
            read += n;
            long now = System.nanoTime();
            if (terminal != null && now - lastDraw > 200_000_000L) {
                lastDraw = now;
                draw();
            }
        }

        private void draw() {
            int percent = (int) Math.min(100, read * 100 / Math.max(1, size));
            String bar = "#".repeat(percent / 5) + "-".repeat(20 - percent / 5);
            terminal.printf("\r[%s] %3d%% %s", bar, percent, file);
        }

        @Override
        public void close() throws IOException {
            if (terminal != null) {
                read = size;
                draw();
                terminal.println();
            }
            super.close();
        }
    }
}
