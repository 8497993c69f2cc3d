package io.smtreplay.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** An {@link Agent} running in a thread of the test, stopped as SIGTERM would stop it. */
final class AgentRunner implements AutoCloseable {
    final String instance = LiveKernel.instanceName();
    final AgentMetrics metrics = new AgentMetrics();
    private final Agent agent;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    AgentRunner(String bootstrap, Path spool, int bufferKb, String topic) {
        this(bootstrap, spool, bufferKb, topic, 256L << 20);
    }

    AgentRunner(String bootstrap, Path spool, int bufferKb, String topic, long spoolMaxBytes) {
        agent = new Agent(new Agent.AgentConfig(LiveKernel.TRACEFS, instance, bufferKb, TracefsInstance.MODEL_EVENTS,
                bootstrap, topic, topic + "-dlq", topic + "-progress", 2, spool, spoolMaxBytes, Duration.ofMinutes(2), null, "test-host",
                Path.of("/proc"), List.of("comm:pio_guest=pio-app"), null), metrics);
        thread = new Thread(() -> {
            try {
                agent.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "agent-under-test");
        thread.start();
    }

    /** Waits until the instance exists and its readers run. */
    void awaitCapturing() throws InterruptedException {
        Path dir = LiveKernel.TRACEFS.resolve("instances").resolve(instance);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!java.nio.file.Files.exists(dir.resolve("tracing_on")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        if (failure.get() != null) {
            throw new AssertionError("agent failed to start", failure.get());
        }
    }

    /** Stops the agent and waits until everything it read is acknowledged by Kafka. */
    Agent.Summary stop(Duration within) throws InterruptedException {
        agent.stop();
        thread.join(within.toMillis());
        if (failure.get() != null) {
            throw new AssertionError("agent failed", failure.get());
        }
        if (thread.isAlive()) {
            throw new AssertionError("agent did not stop within " + within);
        }
        return agent.summary();
    }

    @Override
    public void close() throws InterruptedException {
        agent.stop();
        thread.join(Duration.ofMinutes(3).toMillis());
        metrics.close();
        LiveKernel.removeInstance(instance);
    }
}
