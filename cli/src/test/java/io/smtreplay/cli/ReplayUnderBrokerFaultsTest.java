package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.SynthInput;
import io.smtreplay.ingest.testing.CommandRun;
import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.ExitEventProducer;
import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.local.BrokerProcess;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.replay.wire.Topics;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.WireCodec;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code replay --bounded} against a broker that runs as its own process and is killed (SIGKILL)
 * while the job reads: restarted, the replay commits exactly the results of a clean run, each
 * once, and refuses nothing as late (issue 11, item 1: a partition that stalled must hold the
 * watermark, not come back behind it); never restarted, the replay fails within its
 * {@code --timeout}. And with no broker at all, it fails within {@code --connect-timeout}.
 */
class ReplayUnderBrokerFaultsTest {

    /** Two apps on two partitions, long enough that the job is still reading when the broker dies. */
    private static final List<SynthSpec> SPECS = List.of(
            new SynthSpec(Workload.NETPERF_RR, TraceFormat.FTRACE, KernelEra.V5_10, Isa.SVM, 2, 60_000_000, 2, null, true),
            new SynthSpec(Workload.MEMCACHED, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 2, 60_000_000, 3, null, false));

    private static BrokerProcess broker;
    private static int events;

    @BeforeAll
    static void publish() throws Exception {
        broker = BrokerProcess.start(Duration.ofSeconds(240));
        TopicAdmin.ensureTopics(broker.bootstrapServers(), Duration.ofSeconds(60), Topics.DEFAULT.partitions(2));
        SynthInput input = SynthInput.of(SPECS, CostProfiles.defaultProfile());
        try (ExitEventProducer producer = new ExitEventProducer(broker.bootstrapServers(), Topics.DEFAULT.exits())) {
            input.events().forEach(producer::publish);
            producer.flush();
        }
        events = input.events().size();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aBrokerKilledAndRestartedMidReplayChangesNoResult() throws Exception {
        CommandRun clean = replay("clean");
        assertEquals(0, clean.code(), clean.err());
        List<AppSpeedup> cleanResults = results();
        assertTrue(cleanResults.size() >= 6, "results to compare: " + cleanResults.size());

        CompletableFuture<CommandRun> faulted = CompletableFuture.supplyAsync(() -> replay("faulted"));
        long read = awaitFirstCommittedOffsets("faulted", faulted);
        broker.kill();
        Thread.sleep(2_000);
        broker.restart(Duration.ofSeconds(240));
        CommandRun run = faulted.get(4, TimeUnit.MINUTES);
        System.err.printf("killed the broker with %d of %d events read by the job (committed offsets)%n", read, events);

        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("none refused"), run.err());
        List<AppSpeedup> all = results();
        List<AppSpeedup> faultedResults = all.subList(cleanResults.size(), all.size());
        assertEquals(counts(cleanResults), counts(faultedResults), "each result of the clean run, once");
    }

    @Test
    void aBoundedReplayWithNoBrokerFailsWithinItsConnectTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        CommandRun run = Cli.run("replay", "--bootstrap", "127.0.0.1:" + port, "--bounded", "--connect-timeout", "3s",
                "--metrics-port", "0");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, run.code(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("smtreplay replay: no Kafka broker answered at 127.0.0.1:" + port + " within 3 s"), run.err());
        assertTrue(seconds < 30, "failed after " + seconds + " s");
    }

    private static CommandRun replay(String group) {
        return Cli.run("replay", "--bootstrap", broker.bootstrapServers(), "--bounded", "--group", group,
                "--window", "5ms", "--out-of-orderness", "1ms", "--checkpoint-interval", "1s", "--metrics-port", "0",
                "--timeout", "4m");
    }

    /** Waits until the job has committed source offsets (its first checkpoint); returns how many records they cover. */
    private static long awaitFirstCommittedOffsets(String group, CompletableFuture<CommandRun> job) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (System.nanoTime() < deadline) {
                if (job.isDone()) {
                    throw new AssertionError("the replay ended before the fault: " + job.get().err());
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                long read = offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
                if (read > 0) {
                    return read;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the replay committed no offsets within 3 min");
    }

    private static List<AppSpeedup> results() {
        return CommittedTopic.readAll(broker.bootstrapServers(), Topics.DEFAULT.speedups(), WireCodec.appSpeedups());
    }

    private static Map<AppSpeedup, Long> counts(List<AppSpeedup> results) {
        return new HashMap<>(results.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())));
    }
}
