package io.smtreplay.cli.local;

import io.smtreplay.ingest.EventsLostMarks;
import io.smtreplay.ingest.SynthInput;
import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.ingest.parse.ParallelTraceReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import java.io.IOException;
import java.nio.file.Path;

import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.ExitEventBatcher;
import io.smtreplay.kafka.ExitEventProducer;
import io.smtreplay.kafka.local.InProcessKafka;

import io.smtreplay.replay.ReplayJob;
import io.smtreplay.replay.ReplaySettings;
import io.smtreplay.cli.SpeedupTable;
import io.smtreplay.replay.wire.KafkaEndpoints;
import io.smtreplay.replay.wire.Topics;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.WireCodec;
import java.io.PrintStream;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code smtreplay run}: an in-process Kafka broker and Flink MiniCluster, the input published,
 * the job run to the end of it, the results read back from the results topic. Closing it stops
 * both and deletes their folder.
 */
public final class EmbeddedRun implements AutoCloseable {

    private final RunFolder folder;
    private final InProcessKafka kafka;
    private final LocalFlink flink;
    private final PrintStream log;

    private EmbeddedRun(RunFolder folder, InProcessKafka kafka, LocalFlink flink, PrintStream log) {
        this.folder = folder;
        this.kafka = kafka;
        this.flink = flink;
        this.log = log;
    }

    /** Starts both in one {@link RunFolder}, which stops them and deletes their files on close or exit. */
    public static EmbeddedRun start(int parallelism, int metricsPort, PrintStream log) throws Exception {
        long t0 = System.nanoTime();
        RunFolder folder = RunFolder.create("smtreplay-run-");
        try {
            InProcessKafka kafka = folder.own(InProcessKafka.startIn(folder.path().resolve("kafka")));
            kafka.createTopics(Topics.DEFAULT.partitions(parallelism));
            log.printf("kafka: in-process broker on %s (%.1f s)%n", kafka.bootstrapServers(), seconds(t0));
            LocalFlink flink = LocalFlink.startIn(folder, parallelism, metricsPort);
            log.printf("flink: local MiniCluster, %d slot(s); metrics on http://localhost:%d/metrics (%.1f s)%n",
                    parallelism, flink.metricsPort(), seconds(t0));
            return new EmbeddedRun(folder, kafka, flink, log);
        } catch (Exception | Error e) {
            folder.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The port {@code /metrics} is served on (the free one picked, for port 0). */
    public int metricsPort() {
        return flink.metricsPort();
    }

    /**
     * The batching of a local run: the defaults, with the linger at most half the replay's
     * out-of-orderness, so batching never makes an event late and half the bound is left for the
     * input's own disorder.
     */
    public static ExitEventBatcher.BatchSettings batching(ReplaySettings settings) {
        return ExitEventBatcher.BatchSettings.DEFAULT.lingerAtMost(settings.outOfOrderness().dividedBy(2));
    }

    /**
     * Publishes trace files, streamed and merged in time order (each file its own host, its app
     * by {@link Labels#appOfFile}), refused lines to the dead-letter topic, lost-event lines'
     * {@link EventsLostMarks} to the events topic as {@code ingest} sends them.
     */
    public List<ReadSummary> publishFiles(List<Path> files, ExitEventBatcher.BatchSettings batching)
            throws IOException, InterruptedException {
        try (ExitEventProducer producer = new ExitEventProducer(kafka.bootstrapServers(), Topics.DEFAULT.exits(), batching)) {
            List<ReadSummary> read = ParallelTraceReader.readTimeMerged(files.stream().map(Path::toString).toList(),
                    file -> new TraceRecordSink() {
                        private final Labels labels = new Labels(Path.of(file).getFileName().toString(), null,
                                Labels.appOfFile(file));
                        private final EventsLostMarks lostMarks = new EventsLostMarks();

                        @Override
                        public void onEvent(ParsedEvent event) {
                            producer.publish(ExitEventMapping.toAvro(event, labels));
                            lostMarks.seen(event.event());
                        }

                        @Override
                        public void onEventsLost(EventsLost lost) {
                            lostMarks.marks(lost, tid -> labels, producer::publish);
                        }

                        @Override
                        public void onRefused(RefusedLine refused) {
                            producer.publishRefused(Topics.DEFAULT.deadLetters(), ExitEventMapping.toAvro(refused, labels));
                        }
                    });
            producer.flush();
            return read;
        }
    }

    /** Publishes a synthesized input's events, in time order. */
    public void publish(SynthInput input, ExitEventBatcher.BatchSettings batching) {
        try (ExitEventProducer producer = new ExitEventProducer(kafka.bootstrapServers(), Topics.DEFAULT.exits(), batching)) {
            input.events().forEach(producer::publish);
            producer.flush();
        }
    }

    /** Replays everything on the exits topic, then returns the committed results. */
    public List<AppSpeedup> replay(ReplaySettings settings) throws Exception {
        long t0 = System.nanoTime();
        KafkaEndpoints kafkaIo = new KafkaEndpoints(kafka.bootstrapServers(), Topics.DEFAULT, "smtreplay-run");
        Configuration config = ReplayJob.environmentConfiguration();
        // a local run reports a failure instead of retrying forever
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        new ReplayJob(settings, kafkaIo.exits(true), kafkaIo.speedups(), kafkaIo.deadLetters()).build(env);
        flink.execute(env);
        List<AppSpeedup> results = CommittedTopic.readAll(kafka.bootstrapServers(), Topics.DEFAULT.speedups(), WireCodec.appSpeedups());
        log.printf("replay: %d result(s) in %.1f s%n", results.size(), seconds(t0));
        return results;
    }

    public static void print(List<AppSpeedup> results, PrintStream out) {
        new SpeedupTable(results).print(out);
    }

    /** Stops Flink, then Kafka, then deletes their folder; a second call (the shutdown hook's and the command's) does nothing. */
    @Override
    public void close() throws Exception {
        folder.close();
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
