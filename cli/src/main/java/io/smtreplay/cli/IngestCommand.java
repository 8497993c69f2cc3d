package io.smtreplay.cli;

import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.WireProducer;
import java.util.Map;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smtreplay ingest}: parses trace files and publishes their events to Kafka (ExitEvent,
 * keyed host/thread) and their refused lines to the dead-letter topic, then prints a summary.
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
    @Option(names = "--topic", defaultValue = "kvm-exits", description = "events topic (default: ${DEFAULT-VALUE})")
    String topic;
    @Option(names = "--dlq-topic", defaultValue = "kvm-exits-dlq", description = "dead-letter topic (default: ${DEFAULT-VALUE})")
    String dlqTopic;
    @Option(names = "--partitions", defaultValue = "4", description = "partitions of topics created here (default: ${DEFAULT-VALUE})")
    int partitions;
    @Option(names = "--connect-timeout", defaultValue = "15s", paramLabel = "D", converter = TraceDuration.class,
            description = "how long to wait for the broker (default: ${DEFAULT-VALUE})")
    Duration connectTimeout;
    @Option(names = "--metrics-port", description = "serve ingest metrics for Prometheus on this port")
    Integer metricsPort;
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files (plain or .gz), '-' for standard input")
    List<String> files;

    private final PrintStream out;
    private final PrintStream err;

    IngestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }


    @Override
    public Integer call() throws Exception {
        Labels labels = new Labels(host, vm, app);
        Duration timeout = connectTimeout;
        for (String f : files) {
            if (!f.equals("-") && !Files.isReadable(Path.of(f))) {
                err.println("smtreplay ingest: cannot read " + f);
                return CliSupport.ERROR;
            }
        }
        try {
            TopicAdmin.ensureTopics(bootstrap, timeout, Map.of(topic, partitions, dlqTopic, partitions));
        } catch (TopicAdmin.BrokerUnreachableException e) {
            err.println("smtreplay ingest: " + e.getMessage());
            return CliSupport.ERROR;
        }
        long events = 0;
        long refused = 0;
        try (IngestMetrics metrics = new IngestMetrics();
             KafkaTracePublisher publisher = new KafkaTracePublisher(bootstrap, topic, dlqTopic, labels, metrics, timeout)) {
            if (metricsPort != null) {
                metrics.serve(metricsPort);
            }
            boolean terminal = System.console() != null;
            for (String file : files) {
                ReadSummary s;
                if (file.equals("-")) {
                    s = TraceFileReader.read(file, publisher);
                } else {
                    try (ProgressBar bar = new ProgressBar(Files.newInputStream(Path.of(file)), Files.size(Path.of(file)),
                            terminal ? err : null, file)) {
                        s = TraceFileReader.read(file, bar, publisher);
                    }
                }
                try {
                    publisher.flush();
                } catch (WireProducer.DeliveryException e) {
                    err.println("smtreplay ingest: " + file + ": " + e.getMessage());
                    return CliSupport.ERROR;
                }
                events += s.events();
                refused += s.refused();
                out.printf("%s: %d lines, %d events sent to %s, %d refused to %s%s%n", file, s.lines(), s.events(), topic,
                        s.refused(), dlqTopic, s.detectedFormat() == null ? "" : " (format " + s.detectedFormat().cliName() + ")");
                s.refusedByReason().forEach((r, n) -> out.printf("    %-20s %d%n", r.code(), n));
            }
        }
        out.printf("total: %d events sent, %d lines refused, %d files%n", events, refused, files.size());
        return CliSupport.OK;
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
