package io.smtreplay.replay;

import io.smtreplay.replay.function.AppWindowResults;
import io.smtreplay.replay.function.MergeProjections;
import io.smtreplay.replay.function.Refusals;
import io.smtreplay.replay.function.SplitRefused;
import io.smtreplay.replay.function.HostReplayFunction;
import io.smtreplay.replay.function.HostWindow;
import io.smtreplay.replay.wire.SourceRecord;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.replay.wire.WireExitTypeInfo;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.trace.Durations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;
import java.util.Objects;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The replay job: exits in, per-app speedups and refusals out. Sources and sinks are arguments
 * (flink-training style), so {@code replay} wires Kafka, {@code run} the embedded broker, and
 * tests whatever they need.
 *
 * <pre>
 * source ─▶ split refused ─▶ key by host: {@link HostReplayFunction} ─▶ key by app: tumbling window,
 *              │                 │ (late)                                  {@link MergeProjections} +
 *              ▼                 ▼                                         {@link AppWindowResults} ─▶ speedups
 *           refused ◀────────────┘
 * </pre>
 */
public final class ReplayJob {

    /**
     * The model's state types are plain serializable classes: Flink checkpoints and ships them with
     * Java serialization instead of guessing their structure with Kryo.
     */
    static final List<String> SERIALIZATION = List.of(
            javaSerialized("io.smtreplay.projection.ProjectionAccumulator"),
            javaSerialized("io.smtreplay.replay.function.HostState"));

    private final ReplaySettings settings;
    private final Source<SourceRecord, ?, ?> source;
    private final Sink<AppSpeedup> speedups;
    private final Sink<RejectedLine> refused;

    public ReplayJob(ReplaySettings settings, Source<SourceRecord, ?, ?> source, Sink<AppSpeedup> speedups,
                     Sink<RejectedLine> refused) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.source = Objects.requireNonNull(source, "source");
        this.speedups = Objects.requireNonNull(speedups, "speedups");
        this.refused = Objects.requireNonNull(refused, "refused");
    }

    /** The configuration a job environment needs for this job (serializers, checkpointing mode). */
    public static Configuration environmentConfiguration() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.SERIALIZATION_CONFIG, SERIALIZATION);
        return config;
    }

    /** Adds the job to {@code env} (configuring it) without running it. */
    public void build(StreamExecutionEnvironment env) {
        env.configure(environmentConfiguration());
        env.setParallelism(settings.parallelism());
        // no defensive copy of every record between chained operators (an Avro deep copy per event
        // was the job's largest single cost): no function here keeps or changes a record it was
        // given, and records that cross the network arrive as new objects anyway
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(settings.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        SingleOutputStreamOperator<WireExit> exits = env.fromSource(source,
                        watermarks(settings, source.getBoundedness() == Boundedness.BOUNDED), "kvm-exits")
                .uid("kvm-exits")
                .process(new SplitRefused(), WireExitTypeInfo.INSTANCE).name("split refused").uid("split-refused");

        long windowNs = settings.window().toNanos();
        // keyed by host, not by vCPU thread: a wait's cause is on another thread of the host, so all
        // of a host's threads replay in one task, in trace order (parallelism is by host)
        SingleOutputStreamOperator<HostWindow> hostShares = exits
                .keyBy(exit -> exit.host)
                .process(new HostReplayFunction(settings.projector(), windowNs, settings.vcpuIdle().toNanos()))
                .name("replay host").uid("replay-host");

        SingleOutputStreamOperator<AppSpeedup> results = hostShares
                .keyBy(share -> share.app)
                .window(TumblingEventTimeWindows.of(EventTime.span(settings.window())))
                .aggregate(new MergeProjections(settings.projector()), new AppWindowResults(settings.profileName(),
                        settings.projector().configurations().stream().collect(java.util.stream.Collectors.toMap(
                                io.smtreplay.smt.SmtConfiguration::name, io.smtreplay.smt.SmtConfiguration::contexts))))
                .name("app windows").uid("app-windows");

        results.sinkTo(speedups).name("speedups").uid("speedups-sink");
        DataStream<RejectedLine> allRefused = exits.getSideOutput(Refusals.TAG).union(hostShares.getSideOutput(Refusals.TAG));
        allRefused.sinkTo(refused).name("refused").uid("refused-sink");
    }

    /**
     * Per-partition event time, bounded out-of-orderness. Idleness only for an unbounded input:
     * an idle partition stops holding the watermark back, so a partition that stalls longer than
     * the idleness (a broker restart, a slow leader) comes back behind the watermark the others
     * advanced and every event it held is refused as late. A bounded input needs no idleness at
     * all: every partition has a known end, where its split finishes and releases the watermark
     * (an empty partition at once), so a stalled partition holds event time until it delivers.
     */
    static WatermarkStrategy<SourceRecord> watermarks(ReplaySettings settings, boolean bounded) {
        WatermarkStrategy<SourceRecord> w = WatermarkStrategy
                .<SourceRecord>forBoundedOutOfOrderness(EventTime.span(settings.outOfOrderness()))
                // refusals carry no event time: the lowest timestamp never moves the watermark
                .withTimestampAssigner((r, kafkaTs) -> r.isExit() ? r.exit.timestampNs : Long.MIN_VALUE);
        return bounded ? w : w.withIdleness(settings.sourceIdleness());
    }

    /** Builds and runs the job on {@code env} until it ends (bounded sources) or fails. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("smtreplay replay");
    }

    /** Waits for a submitted job that ends only when it fails or is cancelled (an unbounded replay). */
    public static JobExecutionResult await(JobClient client) throws Exception {
        return await(client, Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Waits for a submitted job to end; one not ended within {@code limit} is cancelled and fails
     * with a {@link ReplayTimeoutException}. A job that failed throws the exception Flink reports
     * (its restarts, if any, exhausted).
     */
    public static JobExecutionResult await(JobClient client, Duration limit) throws Exception {
        try {
            return client.getJobExecutionResult().get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            try {
                client.cancel().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException cancelFailed) {
                // the job is being torn down with its cluster anyway; the timeout is the news
            }
            throw new ReplayTimeoutException(limit);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** A bounded replay that did not finish within its limit ({@code --timeout}). */
    public static final class ReplayTimeoutException extends Exception {
        ReplayTimeoutException(Duration limit) {
            super("the replay did not finish within " + Durations.format(limit) + " (" + JobParameter.TIMEOUT.option()
                    + "); it was cancelled, and results it had not committed are not on the results topic");
        }
    }

    private static String javaSerialized(String className) {
        return className + ": {type: kryo, kryo-type: registered, class: "
                + "org.apache.flink.api.java.typeutils.runtime.kryo.JavaSerializer}";
    }
}
