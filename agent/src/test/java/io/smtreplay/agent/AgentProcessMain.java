package io.smtreplay.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The agent in a JVM of its own, for tests that kill it (SIGKILL) as a crash would: what
 * {@code smtreplay agent} does (an {@link Agent} with the command's defaults, decoding below the
 * guests' priority included; SIGTERM stops it), with the few settings the
 * tests vary. Arguments: bootstrap, topic, spool dir, host, instance name, duration in ms (0:
 * until SIGTERM), and optionally a metrics port. Exits 0 when everything read was delivered.
 */
public final class AgentProcessMain {
    private AgentProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        String topic = args[1];
        AgentMetrics metrics = new AgentMetrics();
        if (args.length > 6) {
            metrics.serve(Integer.parseInt(args[6]));
        }
        Agent agent = new Agent(new Agent.AgentConfig(LiveKernel.TRACEFS, args[4], 16384, TracefsInstance.MODEL_EVENTS,
                args[0], topic, topic + "-dlq", topic + "-progress", 2, Path.of(args[2]), 1L << 30, Duration.ofMinutes(2),
                args[5].equals("0") ? null : Duration.ofMillis(Long.parseLong(args[5])), args[3], Path.of("/proc"),
                List.of("comm:pio_guest=pio-app"), null, Agent.DEFAULT_DECODE_NICE, Agent.DEFAULT_PAGE_QUEUE_MB), metrics);
        StopOnSigterm sigterm = StopOnSigterm.install(agent, Duration.ofMinutes(3));
        Agent.Summary s = agent.run();
        System.out.println("published " + s.published() + ", left in the spool " + s.leftInSpool());
        int status = s.leftInSpool() == 0 ? 0 : 1;
        sigterm.ended(status);
        System.exit(status);
    }
}
