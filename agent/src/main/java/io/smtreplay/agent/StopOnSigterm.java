package io.smtreplay.agent;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM for an agent running in this JVM. The JVM runs its shutdown hooks and then halts, whatever
 * its other threads are doing: a hook that only asked the agent to stop let the JVM end before the
 * agent had drained its buffers and Kafka had acknowledged them (found by a test: exit 143, the
 * instance left behind). This hook asks the agent to stop, waits until the run has ended (at most
 * {@code bound}), and ends the JVM with the run's exit status, so SIGTERM exits 0 when everything
 * read was delivered.
 */
public final class StopOnSigterm {
    private final Thread hook;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile int status = 1;

    private StopOnSigterm(Agent agent, Duration bound) {
        this.hook = new Thread(() -> {
            agent.stop();
            try {
                if (ended.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                    Runtime.getRuntime().halt(status);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // not ended within the bound: the JVM exits as killed by SIGTERM (143)
        }, "agent-sigterm");
    }

    /** Installs the hook for {@code agent}; a SIGTERM waits at most {@code bound} for its run to end. */
    public static StopOnSigterm install(Agent agent, Duration bound) {
        StopOnSigterm s = new StopOnSigterm(agent, bound);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /**
     * The run ended with exit {@code status}, and said what it had to say: a SIGTERM being handled
     * ends the JVM with it; otherwise the hook is removed.
     */
    public void ended(int status) {
        this.status = status;
        System.out.flush();
        System.err.flush();
        ended.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // SIGTERM: the hook is running and ends the JVM with the status
        }
    }
}
