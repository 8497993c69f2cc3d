package io.smtreplay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.local.BrokerProcess;
import io.smtreplay.replay.wire.KafkaEndpoints;
import io.smtreplay.replay.wire.Topics;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.WireCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar on a real multi-process cluster, the closest thing to the Kubernetes
 * operator's application mode that runs on one machine: a Kafka broker, a Flink JobManager and
 * two TaskManagers, each its own JVM, the Flink configuration and job arguments rendered by the
 * Helm chart, the Flink home laid out from the job image's Dockerfile (our reporter as a plugin),
 * the jar submitted over Flink's REST API, traces synthesized and ingested by {@code smtreplay synth}
 * and {@code smtreplay ingest} processes, Debian's Prometheus scraping the JobManager and TaskManagers.
 *
 * <p>The same input is replayed twice (bounded: to the end of the topic): a clean run, then a run
 * whose busy TaskManager is killed with SIGKILL after a completed checkpoint. The second restores
 * from its checkpoint on the surviving TaskManager and commits exactly the clean run's results,
 * each once. Every process started here is gone when the test ends, pass or fail.
 */
class MultiProcessClusterTest {

    private static final String JOB_IMAGE = "helm/images/job/Dockerfile";

    /** The CLI's root command: `smtreplay synth`, `smtreplay ingest`. */
    private static final String SMTREPLAY = "io.smtreplay.cli.Smtreplay";

    private final Path repo = Path.of(System.getProperty("smtreplay.root", "..")).toAbsolutePath().normalize();

    @Test
    void jobRestoresFromItsCheckpointAfterATaskManagerIsKilledAndCommitsTheCleanRunsResultsOnce(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path work)
            throws Exception {
        requirePrometheus();
        String flinkLib = Files.readString(Path.of(System.getProperty("smtreplay.flinkLibClasspath"))).trim();
        List<Process> started;
        BrokerProcess broker;
        try (ChildProcesses children = new ChildProcesses();
             BrokerProcess kafka = BrokerProcess.start(Duration.ofSeconds(180))) {
            // the broker creates no topic by itself: the three topics as the chart's KafkaTopics make them
            TopicAdmin.ensureTopics(kafka.bootstrapServers(), Duration.ofSeconds(60), Topics.DEFAULT.partitions(2));
            ingestTraces(children, dir(work, "ingest"), kafka.bootstrapServers());

            Path image = dir(work, "image");
            DockerfileCopies.layOut(DockerfileCopies.of(repo.resolve(JOB_IMAGE), repo), image);
            Path values = writeValues(work, kafka.bootstrapServers());
            ChartRender clean = ChartRender.of(repo, values, Map.of("job.replay.group", "clean-run"));
            StandaloneFlink flink = StandaloneFlink.start(children, dir(work, "flink"), image.resolve("opt/flink"),
                    flinkLib, clean.flinkConfiguration(), 2);
            FlinkRest rest = flink.rest();
            PrometheusServer prometheus = PrometheusServer.start(children, work.resolve("prometheus"), Map.of(
                    "flink", flink.members().stream().map(m -> "127.0.0.1:" + m.metricsPort()).toList()));
            // the jar the FlinkDeployment names, where the image holds it
            String jar = rest.upload(image.resolve(clean.jarUri().replaceFirst("^local:///", "")));

            // 1. a clean run
            String cleanJob = rest.run(jar, clean.entryClass(), clean.args(), clean.parallelism());
            awaitState(rest, cleanJob, "FINISHED", Duration.ofSeconds(150), work);
            List<AppSpeedup> cleanResults = results(kafka);
            assertTrue(cleanResults.size() >= 20, "the clean run committed results: " + cleanResults.size());
            assertEquals(cleanResults.size(), keys(cleanResults).size(), "each result once in the clean run");
            // the reference run must itself be whole: no event refused as late (see writeValues)
            assertEquals(List.of(), CommittedTopic.readAll(kafka.bootstrapServers(), Topics.DEFAULT.deadLetters(),
                    WireCodec.rejectedLines()).stream().filter(r -> r.getReason().equals("late")).map(r -> r.getDetail()).toList(),
                    "events refused as late in the clean run");

            // 2. what Prometheus scrapes from the JobManager and TaskManagers answers the dashboard
            assertTrue(prometheus.poll("flink_jobmanager_numRegisteredTaskManagers", Duration.ofSeconds(30))
                    .get(0).get("value").get(1).asText().equals("2"), "the JobManager's own metrics");
            assertTrue(prometheus.poll("smtreplay_wall_clock_speedup", Duration.ofSeconds(30)).size() > 0);
            for (String query : PrometheusServer.dashboardQueries(repo.resolve("grafana/dashboards/smtreplay.json"))) {
                prometheus.poll(query, Duration.ofSeconds(30));
            }

            // 3. the same job and input; the TaskManager running its tasks killed after a checkpoint
            ChartRender killed = ChartRender.of(repo, values, Map.of("job.replay.group", "killed-run"));
            String job = rest.run(jar, killed.entryClass(), killed.args(), killed.parallelism());
            awaitCompletedCheckpoint(rest, job, Duration.ofSeconds(120), work);
            Set<String> busy = rest.taskManagersOf(job);
            assertFalse(busy.isEmpty(), "a TaskManager runs the job");
            flink.kill(flink.taskManager(busy.iterator().next()));
            awaitState(rest, job, "FINISHED", Duration.ofSeconds(180), work);
            JsonNode checkpoints = rest.checkpoints(job);
            assertTrue(checkpoints.path("counts").path("restored").asInt() >= 1,
                    "the job restored from a checkpoint after the kill: " + checkpoints.path("counts"));
            assertFalse(checkpoints.path("latest").path("restored").isMissingNode()
                    || checkpoints.path("latest").path("restored").isNull(), "latest restore: " + checkpoints.path("latest"));

            // every result of the clean run exactly twice (clean + killed run), equal: nothing lost,
            // nothing committed twice across the restart
            List<AppSpeedup> all = results(kafka);
            Map<String, List<AppSpeedup>> byKey = all.stream().collect(Collectors.groupingBy(MultiProcessClusterTest::key));
            assertEquals(keys(cleanResults), byKey.keySet(), "the killed run's results are the clean run's windows");
            byKey.forEach((k, twice) -> {
                assertEquals(2, twice.size(), k + " committed once per run: " + twice);
                assertEquals(twice.get(0), twice.get(1), k + ": the killed run's result equals the clean run's");
            });
            started = children.alive();
            broker = kafka;
        }
        assertEquals(List.of(), started.stream().filter(Process::isAlive).toList(), "processes left behind");
        assertFalse(broker.isAlive(), "the broker process is stopped");
    }

    /** Two synthesized traces (VMX cpuid loop, SVM memcached) ingested by `smtreplay ingest` processes. */
    private void ingestTraces(ChildProcesses children, Path dir, String bootstrap) throws Exception {
        String classpath = System.getProperty("java.class.path");
        record Trace(String workload, String isa, int vcpus, String app, String host) {
        }
        for (Trace t : List.of(new Trace("cpuid-loop", "vmx", 2, "cpuid-loop", "host-a"),
                new Trace("memcached", "svm", 2, "memcached", "host-b"))) {
            Path file = dir.resolve(t.workload() + ".txt");
            runToEnd(children.startJava(List.of("-Xmx256m"), classpath, SMTREPLAY,
                    List.of("synth", "--workload", t.workload(), "--isa", t.isa(), "--vcpus", String.valueOf(t.vcpus()),
                            "--duration", "1000ms", "--seed", "7", "--quiet", "-o", file.toString()),
                    dir, dir.resolve(t.workload() + "-synth.out")), "synth " + t.workload(), dir);
            runToEnd(children.startJava(List.of("-Xmx256m"), classpath, SMTREPLAY,
                    List.of("ingest", "--bootstrap", bootstrap, "--host", t.host(), "--app", t.app(), "--partitions", "2",
                            file.toString()),
                    dir, dir.resolve(t.workload() + "-ingest.out")), "ingest " + t.workload(), dir);
        }
    }

    /**
     * The chart's values for this machine: external Kafka, file:// checkpoints, no Kubernetes HA.
     * The two traces are ingested one after the other and cover the same 1000 ms of trace time, so a
     * partition holding threads of both goes back in time when the second begins: an
     * out-of-orderness above the traces' span (2 s) keeps the second's events from being late
     * (docs/streaming.md). With the default 50 ms the clean run lost most of memcached's windows
     * whenever a watermark was emitted between the two (seen in CI). Checkpoints every 200 ms and a
     * second of trace each: on batched input the job finished a 400 ms input before its first 1 s
     * checkpoint, so no TaskManager could be killed mid-run.
     */
    private static Path writeValues(Path work, String bootstrap) throws IOException {
        Path values = work.resolve("values.yaml");
        Files.writeString(values, """
                kafka:
                  mode: external
                  bootstrap: %s
                job:
                  parallelism: 2
                  upgradeMode: savepoint
                  highAvailability: {enabled: false}
                  checkpoints:
                    dir: %s
                    savepointDir: %s
                  replay:
                    window: 4ms
                    outOfOrderness: 2s
                    checkpointInterval: 200ms
                    idleness: 1s
                  extraArgs: [--bounded]
                """.formatted(bootstrap, work.resolve("checkpoints").toUri(), work.resolve("savepoints").toUri()));
        return values;
    }

    private static List<AppSpeedup> results(BrokerProcess kafka) {
        return CommittedTopic.readAll(kafka.bootstrapServers(), Topics.DEFAULT.speedups(), WireCodec.appSpeedups());
    }

    private static String key(AppSpeedup s) {
        return new String(KafkaEndpoints.resultKey(s), StandardCharsets.UTF_8);
    }

    private static Set<String> keys(List<AppSpeedup> results) {
        return results.stream().map(MultiProcessClusterTest::key).collect(Collectors.toSet());
    }

    private static void awaitState(FlinkRest rest, String job, String wanted, Duration timeout, Path work) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = rest.jobState(job);
            if (state.equals(wanted)) {
                return;
            }
            if (state.equals("FAILED") || state.equals("CANCELED")) {
                break;
            }
            Thread.sleep(300);
        }
        fail("job " + job + " is " + state + ", not " + wanted + "; exceptions: "
                + rest.get("/jobs/" + job + "/exceptions").path("root-exception").asText() + "; logs in " + work);
    }

    private static void awaitCompletedCheckpoint(FlinkRest rest, String job, Duration timeout, Path work) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String state = rest.jobState(job);
            if (!state.equals("RUNNING") && !state.equals("CREATED") && !state.equals("INITIALIZING")) {
                fail("the job is " + state + " before its first checkpoint completed: the input is too small to"
                        + " kill a TaskManager mid-run; logs in " + work);
            }
            if (rest.checkpoints(job).path("counts").path("completed").asInt() >= 1) {
                return;
            }
            Thread.sleep(100);
        }
        fail("no checkpoint completed within " + timeout + "; logs in " + work);
    }

    private static void runToEnd(Process p, String what, Path dir) throws Exception {
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(what + " failed; see " + dir);
        }
    }

    private static Path dir(Path work, String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    private static void requirePrometheus() {
        if (!Files.isExecutable(PrometheusServer.BINARY)) {
            if (System.getenv("CI") != null) {
                fail("Debian's prometheus is not installed (.ci/run installs it)");
            }
            Assumptions.abort("prometheus not installed (apt-get install prometheus)");
        }
    }
}
