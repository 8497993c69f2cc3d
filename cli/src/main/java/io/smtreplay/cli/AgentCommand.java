package io.smtreplay.cli;

import io.smtreplay.agent.Agent;
import io.smtreplay.agent.AgentException;
import io.smtreplay.agent.AgentMetrics;
import io.smtreplay.agent.StopOnSigterm;
import io.smtreplay.agent.TracefsInstance;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code smtreplay agent}: the host capture agent. Reads the kernel's KVM tracepoints from a
 * private tracefs instance, page by page per CPU, and publishes them to Kafka as {@code ingest}
 * does, spooling locally while the broker is away. SIGTERM flushes, removes the instance and exits.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        description = "Capture live KVM events from this host's ring buffers and publish them to Kafka.")
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
    String bootstrap;
    @Option(names = "--host", description = "the L0 host label (default: this node's name)")
    String host;
    @picocli.CommandLine.Mixin
    TopicOptions topics;
    @Option(names = "--tracefs", defaultValue = "/sys/kernel/tracing", description = "where tracefs is mounted (default: ${DEFAULT-VALUE})")
    Path tracefs;
    @Option(names = "--buffer-kb", defaultValue = "16384",
            description = "ring buffer per CPU in KiB: peak event rate × longest reader stall (default: ${DEFAULT-VALUE})")
    int bufferKb;
    @Option(names = "--spool-dir", defaultValue = "/var/spool/smtreplay", description = "local spool while Kafka is away (default: ${DEFAULT-VALUE})")
    Path spoolDir;
    @Option(names = "--spool-max-mb", defaultValue = "1024",
            description = "spool bound; at the bound reading pauses and the kernel's overwrites are reported as lost (default: ${DEFAULT-VALUE})")
    long spoolMaxMb;
    @Option(names = "--delivery-timeout", defaultValue = "120s", paramLabel = "D", converter = TraceDuration.class,
            description = "how long the producer retries a record before it is resent from the spool (default: ${DEFAULT-VALUE})")
    Duration deliveryTimeout;
    @Option(names = "--duration", paramLabel = "D", converter = TraceDuration.class, description = "stop after this long (e.g. 10s)")
    Duration duration;
    @Option(names = "--once", description = "capture for 1s, publish, exit (a smoke test of a host)")
    boolean once;
    @Option(names = "--label", paramLabel = "KEY:VALUE=APP",
            description = "app of the vCPU threads whose QEMU process matches: vm:NAME (libvirt -name guest=), uuid:UUID, cgroup:SUBSTRING, comm:NAME")
    List<String> labelRules = List.of();
    @Option(names = "--label-file", description = "label rules, one KEY:VALUE=APP a line")
    Path labelFile;
    @Option(names = "--decode-nice", defaultValue = "" + Agent.DEFAULT_DECODE_NICE, paramLabel = "N",
            description = "nice value (1..19) of everything but the ring-buffer readers: decoding and publishing yield to the guests "
                    + "and may lag (metric smtreplay_agent_decode_lag_seconds); 0 leaves every thread at the agent's own priority (default: ${DEFAULT-VALUE})")
    int decodeNice;
    @Option(names = "--page-queue-mb", defaultValue = "" + Agent.DEFAULT_PAGE_QUEUE_MB, paramLabel = "MB",
            description = "pages read and not yet decoded, all CPUs together; beyond it the readers wait and the ring buffers (--buffer-kb) "
                    + "take the rest (default: ${DEFAULT-VALUE})")
    int pageQueueMb;
    @Option(names = "--metrics-port", description = "serve agent metrics for Prometheus on this port")
    Integer metricsPort;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    AgentCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (decodeNice < 0 || decodeNice > 19) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--decode-nice must be 0..19, not " + decodeNice);
        }
        if (pageQueueMb < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--page-queue-mb must be at least 1, not " + pageQueueMb);
        }
        Agent.AgentConfig config = new Agent.AgentConfig(tracefs, "smtreplay-" + ProcessHandle.current().pid(), bufferKb,
                TracefsInstance.MODEL_EVENTS, bootstrap, topics.topic, topics.dlqTopic, topics.progressTopic, topics.partitions, spoolDir, spoolMaxMb << 20,
                deliveryTimeout, once ? Duration.ofSeconds(1) : duration, host == null ? nodeName() : host,
                Path.of("/proc"), labelRules, labelFile, decodeNice, pageQueueMb);
        try (AgentMetrics metrics = new AgentMetrics()) {
            if (metricsPort != null) {
                metrics.serve(metricsPort);
            }
            Agent agent = new Agent(config, metrics);
            // SIGTERM drains, waits for Kafka (at most its delivery timeout, as a normal stop) and exits with the summary's status
            StopOnSigterm sigterm = StopOnSigterm.install(agent, deliveryTimeout.plusSeconds(60));
            int status = CliSupport.ERROR;
            try {
                status = runAndReport(agent, metrics);
                return status;
            } finally {
                sigterm.ended(status);
            }
        }
    }

    private int runAndReport(Agent agent, AgentMetrics metrics) throws InterruptedException {
        Agent.Summary s;
        try {
            s = agent.run();
        } catch (AgentException e) {
            err.println("smtreplay agent: " + e.getMessage());
            return CliSupport.ERROR;
        }
        long lost = 0;
        for (int cpu = 0; cpu < s.kernelLost().length; cpu++) {
            lost += s.reportedLost()[cpu];
            if (s.kernelLost()[cpu] > 0) {
                out.printf("cpu %d: %d events lost in the ring buffer (kernel stats), %d reported%n", cpu,
                        s.kernelLost()[cpu], s.reportedLost()[cpu]);
            }
        }
        // what was read, beside what was published: a check that every event read left the host
        out.printf("agent: %d events read from the ring buffers%n", metrics.eventsRead());
        out.printf("agent: %d Kafka records (event batches and refused lines) published to %s/%s, %d events lost%n", s.published(), topics.topic, topics.dlqTopic, lost);
        if (s.leftInSpool() > 0) {
            err.printf("smtreplay agent: Kafka did not acknowledge %d records (event batches and refused lines) within %s; they stay in %s and are sent at the next start%n",
                    s.leftInSpool(), deliveryTimeout, spoolDir);
            return CliSupport.ERROR;
        }
        return CliSupport.OK;
    }

    private static String nodeName() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }
}
