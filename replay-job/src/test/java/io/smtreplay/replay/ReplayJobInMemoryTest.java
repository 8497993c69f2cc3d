package io.smtreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.SynthInput;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.projection.Projector;
import io.smtreplay.replay.function.RefusalCounts;
import io.smtreplay.replay.testing.CollectingSink;
import io.smtreplay.replay.testing.OfflineProjection;
import io.smtreplay.replay.testing.TestCluster;
import io.smtreplay.replay.wire.ExitEventRecordDeserializer;
import io.smtreplay.replay.wire.SourceRecord;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job fed from memory, no broker (flink-training style): the records a Kafka source would
 * give, from an in-memory bounded source, results and refusals into collecting sinks. A change to
 * the job's logic is tested here in seconds; the Kafka path (exactly once, restarts) in
 * {@link StreamingReplayTest}.
 */
class ReplayJobInMemoryTest {

    @RegisterExtension
    @Order(1)
    static final TestCluster.Folder FILES = TestCluster.folder("smtreplay-test-in-memory-");
    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = TestCluster.miniCluster(FILES, 2);

    /** The cluster's files are in the test's folder, none in the shared temporary directory (a jar-upload folder was). */
    @Test
    void theClustersFilesAreInTheTestsFolder() {
        assertTrue(java.nio.file.Files.isDirectory(FILES.path().resolve("web-upload")), "the REST server's upload folder");
    }

    private static final CostProfile PROFILE = CostProfiles.defaultProfile();
    private static final List<SynthSpec> SPECS = List.of(
            new SynthSpec(Workload.CPUID_LOOP, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 1, 4_000_000, 1, null, true),
            new SynthSpec(Workload.NETPERF_RR, TraceFormat.FTRACE, KernelEra.V5_10, Isa.SVM, 2, 9_000_000, 2, null, true));

    @Test
    void resultsEqualTheOfflineProjectionAndNothingIsRefused() throws Exception {
        List<ExitEvent> events = SynthInput.of(SPECS, PROFILE).events();
        CollectingSink<AppSpeedup> speedups = new CollectingSink<>();
        CollectingSink<RejectedLine> refused = new CollectingSink<>();
        JobExecutionResult result = run(events, speedups, refused, RateLimiterStrategy.noOp());

        OfflineProjection.assertResultsEqualOffline(events, PROFILE, speedups.collected());
        assertEquals(List.of(), refused.collected());
        assertEquals(0, RefusalCounts.fromAccumulators(result.getAllAccumulatorResults()).total());
    }

    @Test
    void anEventBehindTheWatermarkIsRefusedLateAndCounted() throws Exception {
        List<ExitEvent> events = new ArrayList<>(SynthInput.of(SPECS, PROFILE).events());
        // the first event again at the end, long after the watermark passed it
        events.add(events.get(0));
        CollectingSink<AppSpeedup> speedups = new CollectingSink<>();
        CollectingSink<RejectedLine> refused = new CollectingSink<>();
        // Watermarks are periodic: a source that emits everything between two of them never lets
        // the watermark pass the first event before the duplicate arrives (a quiet machine did
        // exactly that). Spread the input over about a second and emit watermarks every 5 ms, so
        // hundreds of watermarks pass before the duplicate whatever the machine's speed.
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        JobExecutionResult result = logged("io.smtreplay.replay.function.LateWindows", warnings,
                () -> run(events, speedups, refused, RateLimiterStrategy.perSecond(events.size())));

        assertEquals(List.of("replay/late"), refused.collected().stream().map(r -> r.getStage() + "/" + r.getReason()).toList());
        assertEquals(1, RefusalCounts.fromAccumulators(result.getAllAccumulatorResults()).late());
        assertTrue(!speedups.collected().isEmpty());
        // an unbounded replay never reaches the count above: the app and window are said as they lose events
        long start = events.get(0).getTimestampNs() / 2_000_000 * 2_000_000;
        assertEquals(List.of("app " + events.get(0).getApp() + ": events of the window [" + start + ", " + (start + 2_000_000)),
                warnings.stream().filter(w -> w.contains("refused as late")).map(w -> w.substring(0, w.indexOf(") ns"))).toList());
    }

    /**
     * Runs {@code body} with the WARN messages of one logger (in this JVM, the MiniCluster's tasks
     * included) added to {@code messages}, whatever level the test classpath's configuration gives it.
     */
    private static <T> T logged(String loggerName, List<String> messages, java.util.concurrent.Callable<T> body) throws Exception {
        org.apache.logging.log4j.core.LoggerContext context =
                (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        org.apache.logging.log4j.core.Appender appender = new org.apache.logging.log4j.core.appender.AbstractAppender(
                "collect-warnings", null, null, true, org.apache.logging.log4j.core.config.Property.EMPTY_ARRAY) {
            @Override
            public void append(org.apache.logging.log4j.core.LogEvent event) {
                messages.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        org.apache.logging.log4j.core.config.Configurator.setLevel(loggerName, org.apache.logging.log4j.Level.WARN);
        org.apache.logging.log4j.core.config.LoggerConfig logger = context.getConfiguration().getLoggerConfig(loggerName);
        logger.addAppender(appender, org.apache.logging.log4j.Level.WARN, null);
        context.updateLoggers();
        try {
            return body.call();
        } finally {
            logger.removeAppender(appender.getName());
            context.updateLoggers();
            appender.stop();
        }
    }

    private static JobExecutionResult run(List<ExitEvent> events, CollectingSink<AppSpeedup> speedups,
                                          CollectingSink<RejectedLine> refused, RateLimiterStrategy pace) throws Exception {
        ReplaySettings settings = ReplaySettings.defaults(new Projector(SmtConfiguration.NAMED, PROFILE), PROFILE.name())
                .withWindow(Duration.ofMillis(2)).withOutOfOrderness(Duration.ofNanos(200_000)).withParallelism(1)
                .withCheckpointInterval(Duration.ofSeconds(1));
        // parallelism 1: one split holds the events in their order, as one Kafka partition does
        // (a generator source splits its elements in ranges, one per subtask)
        TypeInformation<SourceRecord> type = TypeInformation.of(SourceRecord.class);
        DataGeneratorSource<SourceRecord> source = new DataGeneratorSource<>(
                new FromElementsGeneratorFunction<>(type, new ExecutionConfig(), sourceRecords(events)), events.size(), pace, type);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().setAutoWatermarkInterval(5);
        new ReplayJob(settings, source, speedups, refused).build(env);
        return env.execute("in-memory replay");
    }

    /** What the Kafka source gives for these events: their routing fields read, their bytes passed on. */
    private static List<SourceRecord> sourceRecords(List<ExitEvent> events) {
        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        ExitEventRecordDeserializer deserializer = new ExitEventRecordDeserializer();
        List<SourceRecord> out = new ArrayList<>();
        ListCollector<SourceRecord> collector = new ListCollector<>(out);
        for (int i = 0; i < events.size(); i++) {
            deserializer.deserialize(new ConsumerRecord<>("kvm-exits", 0, i, null, codec.encode(events.get(i))), collector);
        }
        return out;
    }
}
