package io.smtreplay.bench;

import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.replay.ReplayJob;
import io.smtreplay.replay.ReplaySettings;
import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.local.InProcessKafka;
import io.smtreplay.kafka.ExitEventBatcher;
import io.smtreplay.kafka.ExitEventProducer;
import io.smtreplay.cli.local.LocalFlink;
import io.smtreplay.cli.local.RunFolder;
import io.smtreplay.replay.wire.ExitEventRecordDeserializer;
import io.smtreplay.replay.wire.KafkaEndpoints;
import io.smtreplay.replay.wire.SourceRecord;
import io.smtreplay.replay.wire.Topics;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.replay.wire.WireExitSerializer;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end throughput of the replay job (parallelism 2, in-process broker, MiniCluster) beside a
 * plain Kafka consumer reading the same records in the same run, and the keyed state a vCPU holds.
 * The same synthesized events go to two topics, one record per event and batched (docs/wire.md),
 * and each round runs consumer, job and Flink floor on each: the two wire forms side by side.
 *
 * <pre>java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     io.smtreplay.bench.EndToEndBench [vcpus] [trace-ms] [window-ms] [rounds] [batch-events] [both|batched|single]</pre>
 */
public final class EndToEndBench {

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "smtreplay-log4j2.xml");
        int vcpus = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        long traceNs = (args.length > 1 ? Long.parseLong(args[1]) : 60) * 1_000_000L;
        Duration window = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 10);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int batchEvents = args.length > 4 ? Integer.parseInt(args[4]) : ExitEventBatcher.BatchSettings.DEFAULT_MAX_EVENTS;
        String forms = args.length > 5 ? args[5] : "both";
        CostProfile profile = CostProfiles.defaultProfile();
        SynthSpec spec = new SynthSpec(Workload.MEMCACHED, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, vcpus, traceNs, 7, null, true);
        Duration bound = Duration.ofMillis(1);
        ExitEventBatcher.BatchSettings batching = new ExitEventBatcher.BatchSettings(batchEvents,
                ExitEventBatcher.BatchSettings.DEFAULT_LINGER, false).lingerAtMost(bound.dividedBy(2));
        Topics single = Topics.DEFAULT;
        Topics batched = Topics.prefixed("batched-");
        // the folder stops the cluster it owns, then deletes the cluster's files
        try (InProcessKafka kafka = InProcessKafka.start(); RunFolder folder = RunFolder.create("smtreplay-bench-")) {
            LocalFlink flink = LocalFlink.startIn(folder, 2, 0);
            kafka.createTopics(single.partitions(2));
            kafka.createTopics(batched.partitions(2));
            long events = publish(spec, profile, kafka.bootstrapServers(), single.exits(), batched.exits(), batching);

            ReplaySettings settings = ReplaySettings.defaults(new Projector(SmtConfiguration.NAMED, profile), profile.name())
                    .withWindow(window).withOutOfOrderness(bound)
                    .withCheckpointInterval(Duration.ofSeconds(2));
            System.out.printf("events %d (%s, %d vCPUs, %d ms of trace, %d ms windows, %s bound; batches of up to %d events,"
                            + " linger %s of trace time)%n", events, spec.workload().cliName(), vcpus, traceNs / 1_000_000,
                    window.toMillis(), bound, batching.maxEvents(), batching.linger());
            for (Topics t : List.of(single, batched)) {
                wireSize(kafka.bootstrapServers(), t.exits(), events);
            }
            // a fresh JVM spends much of a short run compiling (C2): the rounds after the first are
            // what a long-running job sees; each round reads the same records with new groups
            for (int round = 1; round <= rounds; round++) {
                if (!forms.equals("batched")) {
                    round(round, "one record per event", kafka, flink, single, events, settings);
                }
                if (!forms.equals("single")) {
                    round(round, "batched", kafka, flink, batched, events, settings);
                }
            }
            stateSize(spec, profile, settings);
        }
    }

    /** Kafka bytes per event on the wire (keys and values as the consumer gets them) and in the broker's log. */
    private static void wireSize(String bootstrap, String topic, long events) throws Exception {
        long records = 0;
        long wireBytes = 0;
        for (ConsumerRecord<byte[], byte[]> r : CommittedTopic.records(bootstrap, topic)) {
            records++;
            wireBytes += r.value().length + (r.key() == null ? 0 : r.key().length);
        }
        long logBytes = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(org.apache.kafka.common.Node::id).toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                        if (replica.getKey().topic().equals(topic)) {
                            logBytes += replica.getValue().size();
                        }
                    }
                }
            }
        }
        System.out.printf("topic %s: %d records for %d events (%.1f events/record); key+value %.1f B/event; "
                        + "broker log (lz4 batches) %.1f B/event%n", topic, records, events, (double) events / records,
                (double) wireBytes / events, (double) logBytes / events);
    }

    /**
     * What Flink itself costs on this machine: the same bounded KafkaSource at parallelism 2, the
     * records keyed by their Kafka key (the vCPU) across the network, a keyed counter, nothing
     * decoded. The replay job cannot be faster than this; it is the ceiling for the target ratio.
     */
    private static double flinkFloor(LocalFlink flink, String bootstrap, String topic, long expected, String group) throws Exception {
        CountPerKey.TOTAL.set(0);
        KafkaSource<Tuple2<String, byte[]>> source = KafkaSource.<Tuple2<String, byte[]>>builder()
                .setBootstrapServers(bootstrap).setTopics(topic).setGroupId(group)
                .setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest())
                .setDeserializer(new KeyAndValue()).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(2_000);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "records")
                .keyBy(r -> r.f0)
                .process(new CountPerKey())
                .sinkTo(new DiscardingSink<>());
        long t0 = System.nanoTime();
        flink.execute(env);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (CountPerKey.TOTAL.get() != expected) {
            throw new IllegalStateException("the floor job counted " + CountPerKey.TOTAL.get() + " of " + expected + " records");
        }
        return seconds;
    }

    private static final class KeyAndValue implements KafkaRecordDeserializationSchema<Tuple2<String, byte[]>> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Tuple2<String, byte[]>> out) {
            out.collect(Tuple2.of(new String(record.key(), StandardCharsets.UTF_8), record.value()));
        }

        @Override
        public TypeInformation<Tuple2<String, byte[]>> getProducedType() {
            return Types.TUPLE(Types.STRING, Types.PRIMITIVE_ARRAY(Types.BYTE));
        }
    }

    /** Counts each key's records in keyed state (as the replay keeps a vCPU's), emits nothing until the end. */
    private static final class CountPerKey extends KeyedProcessFunction<String, Tuple2<String, byte[]>, Long> {
        static final AtomicLong TOTAL = new AtomicLong();
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Tuple2<String, byte[]> record, Context ctx, Collector<Long> out) throws Exception {
            Long n = count.value();
            count.update(n == null ? 1 : n + 1);
            TOTAL.incrementAndGet();
        }
    }

    /** One consumer pass, one replay job and one floor job over the same records, printed. */
    private static void round(int round, String form, InProcessKafka kafka, LocalFlink flink, Topics in, long events,
                              ReplaySettings settings) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        String run = in.exits() + "-" + round;
        Topics topics = new Topics(in.exits(), in.deadLetters() + "-" + round, in.speedups() + "-" + round);
        kafka.createTopics(Map.of(topics.deadLetters(), 1, topics.speedups(), 1));

        long t0 = System.nanoTime();
        long records = consumeAll(bootstrap, topics.exits());
        double consumerSeconds = (System.nanoTime() - t0) / 1e9;

        KafkaEndpoints io = new KafkaEndpoints(bootstrap, topics, "bench-" + run);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(ReplayJob.environmentConfiguration());
        new ReplayJob(settings, io.exits(true), io.speedups(), io.deadLetters()).build(env);
        long cpu1 = processCpuNanos();
        long t1 = System.nanoTime();
        ThreadCpuSampler threads = ThreadCpuSampler.start();
        flink.execute(env);
        double jobSeconds = (System.nanoTime() - t1) / 1e9;
        double jobCpuSeconds = (processCpuNanos() - cpu1) / 1e9;
        String byThread = threads.stop();
        int results = CommittedTopic.readAll(bootstrap, topics.speedups(), WireCodec.appSpeedups()).size();
        // after the job, so that its figure is not helped by a warmer JVM than the job had
        double floorSeconds = flinkFloor(flink, bootstrap, topics.exits(), records, "bench-floor-" + run);

        double consumerRate = events / consumerSeconds;
        System.out.printf("round %d, %s (%s)%n", round, form, topics.exits());
        System.out.printf("  plain consumer: %d records = %d events in %.2f s = %.0f events/s%n", records, events,
                consumerSeconds, consumerRate);
        System.out.printf("  replay job (parallelism 2, job submission to end): %.2f s = %.0f events/s = %.0f %% of the consumer; %d results%n",
                jobSeconds, events / jobSeconds, 100 * (events / jobSeconds) / consumerRate, results);
        System.out.printf("  Flink floor (same source, keyed shuffle by the record key, counting sink, no decoding): %.2f s = %.0f events/s = %.0f %% of the consumer%n",
                floorSeconds, events / floorSeconds, 100 * (events / floorSeconds) / consumerRate);
        // the whole process (broker included): near 2 x wall, the job is CPU-bound on this machine
        System.out.printf("  replay job CPU: %.2f CPU-s over %.2f s wall (%.2f cores busy), %.3f µs of CPU per event%n",
                jobCpuSeconds, jobSeconds, jobCpuSeconds / jobSeconds, 1e6 * jobCpuSeconds / events);
        System.out.println("  by thread: " + byThread);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The synthesized events to both topics, each event once to each; returns how many. */
    private static long publish(SynthSpec spec, CostProfile profile, String bootstrap, String singleTopic, String batchedTopic,
                                ExitEventBatcher.BatchSettings batching) {
        Labels labels = new Labels("bench-host", null, spec.appLabel());
        long[] n = {0};
        try (ExitEventProducer single = new ExitEventProducer(bootstrap, singleTopic);
             ExitEventProducer batched = new ExitEventProducer(bootstrap, batchedTopic, batching)) {
            new TraceSynthesizer(spec, profile).emit(e -> {
                ExitEvent avro = ExitEventMapping.toAvro(new ParsedEvent("bench", -1, n[0]++, e), labels);
                single.publish(avro);
                batched.publish(avro);
            });
            single.flush();
            batched.flush();
        }
        return n[0];
    }

    /** Reads the topic to its end with a plain consumer (bytes, nothing decoded); returns the records read. */
    private static long consumeAll(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-plain-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long expected = -1;
            while (expected < 0 || n < expected) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                n += records.count();
                if (expected < 0 && !consumer.assignment().isEmpty()) {
                    expected = consumer.endOffsets(consumer.assignment()).values().stream().mapToLong(Long::longValue).sum();
                }
            }
        }
        return n;
    }

    /**
     * What one vCPU keeps in keyed state, as checkpointed: its tracker (Java serialization), one
     * open window's projection, and the events waiting for the watermark (each a {@link WireExit}:
     * the message bytes with its routing fields, as {@link WireExitSerializer} writes it).
     */
    private static void stateSize(SynthSpec spec, CostProfile profile, ReplaySettings settings) throws IOException {
        Projector projector = settings.projector();
        ProjectionAccumulator window = projector.newAccumulator();
        EpisodeSink sink = projector.sinkInto(window);
        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        ExitEventRecordDeserializer source = new ExitEventRecordDeserializer();
        WireExitSerializer pendingSerializer = new WireExitSerializer();
        DataOutputSerializer pendingBytes = new DataOutputSerializer(4096);
        Labels labels = new Labels("bench-host", null, spec.appLabel());
        long windowNs = settings.window().toNanos();
        long boundNs = settings.outOfOrderness().toNanos();
        EpisodeTracker[] tracker = {null};
        long[] firstTs = {0};
        long[] events = {0};
        List<SourceRecord> read = new ArrayList<>();
        Collector<SourceRecord> collect = new Collector<>() {
            @Override
            public void collect(SourceRecord record) {
                read.add(record);
            }

            @Override
            public void close() {
            }
        };
        new TraceSynthesizer(spec, profile).emit(e -> {
            if (tracker[0] == null) {
                tracker[0] = new EpisodeTracker(e.tid());
                firstTs[0] = e.timestampNs();
            }
            if (e.tid() != tracker[0].thread() || e.timestampNs() - firstTs[0] >= windowNs) {
                return;
            }
            tracker[0].accept(e, sink);
            if (e.timestampNs() - firstTs[0] < boundNs) {
                byte[] message = codec.encode(ExitEventMapping.toAvro(new ParsedEvent("bench", -1, 0, e), labels));
                read.clear();
                source.deserialize(new ConsumerRecord<>(Topics.DEFAULT.exits(), 0, events[0], null, message), collect);
                try {
                    pendingSerializer.serialize(read.get(0).exit, pendingBytes);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                events[0]++;
            }
        });
        System.out.printf("keyed state per vCPU: tracker %d B, one %d ms window's projection %d B, pending events "
                        + "%d in a %d µs bound = %d B (%d B each)%n", javaSerializedSize(tracker[0]), windowNs / 1_000_000,
                javaSerializedSize(window), events[0], boundNs / 1000, pendingBytes.length(),
                events[0] == 0 ? 0 : pendingBytes.length() / events[0]);
    }

    private static long javaSerializedSize(Serializable o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.size();
    }
}
