package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtreplay.ingest.testing.CommandRun;
import io.smtreplay.kafka.CommittedTopic;
import io.smtreplay.kafka.local.InProcessKafka;
import io.smtreplay.replay.wire.Topics;
import io.smtreplay.schemas.AppSpeedup;
import io.smtreplay.schemas.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text trace's lost-event line, end to end: {@code ingest} into a real broker, {@code replay
 * --bounded} on a local Flink cluster, against {@code project} on the same file.
 */
class IngestedEventsLostTest {
    private static final String ON_CPU_2 = "       CPU 0/KVM-4242    [002] d....   ";
    private static final String ON_CPU_3 = "       CPU 1/KVM-4243    [003] d....   ";
    private static final String ZEROS = " info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000";

    @TempDir
    Path dir;
    private InProcessKafka kafka;

    @BeforeEach
    void startBroker() throws Exception {
        kafka = InProcessKafka.start();
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /**
     * CPU 2 overruns while thread 4242 (on CPU 2) is in an exit and 4243 (on CPU 3) is in one too;
     * both see their entry after it. Offline, 4242's episode closes as EVENTS_LOST and 4243's is
     * whole; without the marks the job would have counted both whole. The job over the ingested
     * topic must count the incomplete episodes {@code project} counts.
     */
    @Test
    void theJobOverAnIngestedTraceClosesWhatProjectClosesAtALostEventsLine() throws Exception {
        Path trace = dir.resolve("overrun.txt");
        Files.writeString(trace, String.join("\n",
                ON_CPU_2 + "100.000000: kvm_entry: vcpu 0, rip 0x3000",
                ON_CPU_3 + "100.000001: kvm_entry: vcpu 1, rip 0x4000",
                ON_CPU_2 + "100.000010: kvm_exit: vcpu 0 reason CPUID rip 0x3000" + ZEROS,
                ON_CPU_3 + "100.000020: kvm_exit: vcpu 1 reason CPUID rip 0x4000" + ZEROS,
                "CPU:2 [LOST 40 EVENTS]",
                ON_CPU_2 + "100.000090: kvm_entry: vcpu 0, rip 0x3002",
                ON_CPU_3 + "100.000095: kvm_entry: vcpu 1, rip 0x4002",
                ON_CPU_2 + "100.000100: kvm_exit: vcpu 0 reason CPUID rip 0x3002" + ZEROS,
                ON_CPU_2 + "100.000102: kvm_entry: vcpu 0, rip 0x3003", ""));
        Path withoutTheLine = dir.resolve("no-overrun.txt");
        Files.writeString(withoutTheLine, Files.readString(trace).replace("CPU:2 [LOST 40 EVENTS]\n", ""));

        JsonNode offline = projected(trace);
        assertEquals(1, offline.get("incompleteByReason").path("EVENTS_LOST").asLong(), offline.toString());
        long incompleteOffline = sum(offline.get("incompleteByReason"));
        assertTrue(incompleteOffline > sum(projected(withoutTheLine).get("incompleteByReason")),
                "the line must change what is incomplete, or this test shows nothing");

        CommandRun ingest = Cli.run("ingest", "--bootstrap", kafka.bootstrapServers(), "--host", "l0-a", "--app", "shop",
                trace.toString());
        assertEquals(0, ingest.code(), ingest.err());
        assertTrue(ingest.out().contains("; 1 events-lost mark(s) sent to kvm-exits"), ingest.out());

        CommandRun replay = Cli.run("replay", "--bootstrap", kafka.bootstrapServers(), "--bounded", "--window", "5ms",
                "--out-of-orderness", "1ms", "--checkpoint-interval", "1s", "--metrics-port", "0", "--timeout", "4m");
        assertEquals(0, replay.code(), replay.err());
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("metrics on http://localhost:(\\d+)/metrics").matcher(replay.err());
        assertTrue(port.find() && Integer.parseInt(port.group(1)) > 0, "--metrics-port 0: the port picked is said\n" + replay.err());
        List<AppSpeedup> baseline = CommittedTopic.readAll(kafka.bootstrapServers(), Topics.DEFAULT.speedups(),
                WireCodec.appSpeedups()).stream().filter(r -> r.getConfig().equals("baseline")).toList();
        assertTrue(!baseline.isEmpty(), "no results");
        assertEquals(incompleteOffline, baseline.stream().mapToLong(AppSpeedup::getIncompleteEpisodes).sum(),
                "incomplete episodes in the job's results: " + baseline);
        assertEquals(sumOfEpisodes(offline), baseline.stream().mapToLong(AppSpeedup::getEpisodes).sum());

        // run publishes the file itself (EmbeddedRun), by the same rule
        CommandRun run = Cli.run("run", "--metrics-port", "0", trace.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains(", " + sumOfEpisodes(offline) + " episodes (" + incompleteOffline + " incomplete)"), run.out());
    }

    private static JsonNode projected(Path trace) throws Exception {
        CommandRun run = Cli.run("project", "--json", trace.toString());
        assertEquals(0, run.code(), run.err());
        return new ObjectMapper().readTree(run.out()).get("apps").get(0);
    }

    private static long sumOfEpisodes(JsonNode app) {
        return sum(app.get("episodes"));
    }

    private static long sum(JsonNode counts) {
        long n = 0;
        for (JsonNode c : counts) {
            n += c.asLong();
        }
        return n;
    }
}
