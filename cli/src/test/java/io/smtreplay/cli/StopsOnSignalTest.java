package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.SynthInput;
import io.smtreplay.kafka.ExitEventProducer;
import io.smtreplay.kafka.TopicAdmin;
import io.smtreplay.kafka.local.BrokerProcess;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.replay.wire.Topics;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code run} and {@code replay} in their own JVM, as a user starts them (issue 11, items 10 and
 * 11): Ctrl-C or SIGTERM stops them promptly with the signal's exit status and one line on stderr
 * saying what was cut short, no stack trace, no results; standard output carries results only;
 * and no exit, normal or signalled, leaves anything in the JVM's temporary folder (broker data,
 * checkpoints, Flink's {@code minicluster_*} and RPC jar).
 */
class StopsOnSignalTest {

    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration STOP = Duration.ofSeconds(90);
    /** A log line (the configuration's pattern) or a stack trace's: neither belongs on stdout, nor a trace on stderr. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} |\\b(WARN|ERROR|INFO)\\b");
    private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at [\\w.$/]+\\(|^Caused by: |^Exception in thread ");

    private static BrokerProcess broker;

    /** A broker of its own with a small input on the exits topic, for the replays. */
    @BeforeAll
    static void publish() throws Exception {
        broker = BrokerProcess.start(Duration.ofSeconds(240));
        TopicAdmin.ensureTopics(broker.bootstrapServers(), Duration.ofSeconds(60), Topics.DEFAULT.partitions(2));
        SynthInput input = SynthInput.of(List.of(
                new SynthSpec(Workload.NETPERF_RR, TraceFormat.FTRACE, KernelEra.V5_10, Isa.SVM, 2, 20_000_000, 2, null, true),
                new SynthSpec(Workload.MEMCACHED, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 2, 20_000_000, 3, null, false)),
                CostProfiles.defaultProfile());
        try (ExitEventProducer producer = new ExitEventProducer(broker.bootstrapServers(), Topics.DEFAULT.exits())) {
            input.events().forEach(producer::publish);
            producer.flush();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aRunPrintsOnlyResultsOnStdoutAndLeavesNoTemporaryFile(@TempDir Path work) throws Exception {
        ChildJvm run = ChildJvm.start(work, "run", "--demo-duration", "10ms", "--metrics-port", "0");
        try {
            assertEquals(0, run.awaitExit(START), run.err());
            String out = run.out();
            assertTrue(out.contains("app synthetic-cpuid-loop"), out);
            assertTrue(Pattern.compile("^flink: .*; metrics on http://localhost:[1-9]\\d*/metrics ", Pattern.MULTILINE)
                    .matcher(run.err()).find(), "--metrics-port 0: the port picked is said\n" + run.err());
            for (String line : out.lines().toList()) {
                assertTrue(line.isBlank() || line.startsWith("app ") || line.startsWith("  "), "not a result line on stdout: " + line);
            }
            assertEquals(List.of(), run.leftInTmp());
        } finally {
            run.kill();
        }
    }

    @Test
    void aBoundedReplayLeavesNoTemporaryFile(@TempDir Path work) throws Exception {
        ChildJvm replay = ChildJvm.start(work, "replay", "--bootstrap", broker.bootstrapServers(), "--bounded",
                "--group", "bounded", "--window", "5ms", "--out-of-orderness", "1ms", "--checkpoint-interval", "1s",
                "--metrics-port", "0");
        try {
            assertEquals(0, replay.awaitExit(START), replay.err());
            assertTrue(replay.err().contains("replay: ended in "), replay.err());
            assertEquals("", replay.out(), "replay writes its results to Kafka, its progress to stderr");
            assertEquals(List.of(), replay.leftInTmp());
        } finally {
            replay.kill();
        }
    }

    /**
     * What each signal stops: SIGTERM a {@code run} (≈ 1.4 M demo events, so it is still
     * replaying), Ctrl-C an unbounded {@code replay}; each once it said it is replaying.
     */
    static Stream<Arguments> signalled() {
        return Stream.of(
                Arguments.of("TERM", 143, List.of("run", "--demo-duration", "500ms", "--metrics-port", "0"),
                        "ingest: ", "smtreplay run: stopped by SIGTERM while replaying; no results printed (they were not complete)"),
                Arguments.of("INT", 130, List.of("replay", "--bootstrap", broker.bootstrapServers(), "--group", "unbounded",
                                "--window", "5ms", "--out-of-orderness", "1ms", "--metrics-port", "0"),
                        "replay: unbounded (until Ctrl-C) job running",
                        "smtreplay replay: stopped by SIGINT while replaying; windows still open were not written (results "
                                + "committed so far are on " + Topics.DEFAULT.speedups() + ")"));
    }

    @ParameterizedTest(name = "SIG{0} stops {2}")
    @MethodSource("signalled")
    void aSignalWhileReplayingStopsItWithOneLineAndLeavesNothing(String signal, int exitCode, List<String> args, String replaying,
                                                                 String stopLine, @TempDir Path work) throws Exception {
        ChildJvm child = ChildJvm.start(work, args.toArray(String[]::new));
        try {
            child.awaitErrLine(replaying, START);
            child.signal(signal);
            assertEquals(exitCode, child.awaitExit(STOP), child.err());
            assertStoppedWithOneLine(child, stopLine);
            assertEquals("", child.out(), "no results after a stop");
            assertEquals(List.of(), child.leftInTmp());
        } finally {
            child.kill();
        }
    }

    private static void assertStoppedWithOneLine(ChildJvm child, String line) throws Exception {
        String err = child.err();
        List<String> stops = err.lines().filter(l -> l.startsWith("smtreplay ")).toList();
        assertEquals(List.of(line), stops, err);
        assertTrue(err.lines().noneMatch(l -> STACK_TRACE.matcher(l).find()), "a stack trace on stderr:\n" + err);
        assertTrue(child.out().lines().noneMatch(l -> LOG_LINE.matcher(l).find()), "a log line on stdout:\n" + child.out());
    }
}
