package io.smtreplay.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Keeps the agent behind the guests it observes: every thread of this JVM but the CPU readers —
 * the merger that decodes, batches and encodes, the spool drainer and Kafka's producer, the JIT
 * compilers, the collector — runs at a higher nice value than the guests' vCPU threads, from the
 * agent's start on, so on a busy host the guests get the CPU first and decoding lags; the readers
 * keep moving pages out of the ring buffers at the priority the agent was started with, which is
 * cheap. Measured: with everything at one priority the agent's C2 compiler and merger took more
 * than one of two cores next to the guest (BENCHMARKS.md, issue 12).
 *
 * <p>Linux lets a thread raise its own (or a same-user thread's) nice value without any
 * capability, which the agent, running with every capability dropped, relies on; lowering it back
 * would need {@code CAP_SYS_NICE}. A thread inherits the nice value of the thread that starts it,
 * so one starter thread is kept at the start priority and starts the readers ({@link #startKept});
 * everything else is lowered at once and then every sweep period (threads the JVM starts from the
 * starter or a reader would otherwise stay up). Java has no {@code setpriority}: {@code renice}
 * (util-linux, in every image we ship) does it on a thread id, which is per thread on Linux.
 * Nice value 0 turns all this off: the readers are then started directly.
 */
final class BackgroundPriority implements AutoCloseable {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Field 19 of {@code /proc/<pid>/task/<tid>/stat}, counted after the command's closing paren (field 2). */
    private static final int NICE_AFTER_COMM = 19 - 3;

    private final int nice;
    private final Set<Long> kept = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final ExecutorService starter;
    private volatile boolean failed;

    /**
     * {@code nice} 1..19: keeps a starter thread at the calling thread's priority, lowers every other
     * thread now and then every {@code sweep}; 0: changes nothing.
     */
    BackgroundPriority(int nice, Duration sweep) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("the decoding nice value must be 0..19, not " + nice);
        }
        this.nice = nice;
        if (nice == 0) {
            starter = null;
            return;
        }
        starter = Executors.newSingleThreadExecutor(r -> new Thread(r, "agent-reader-starter"));
        try {
            kept.add(starter.submit(BackgroundPriority::currentTid).get());
        } catch (ExecutionException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // no /proc/thread-self: the readers are lowered with the rest, which only costs headroom
        }
        lowerOthers();
        Thread sweeper = new Thread(() -> {
            try {
                while (!failed && !closed.await(sweep.toMillis(), TimeUnit.MILLISECONDS)) {
                    lowerOthers();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "agent-priority");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    /** Starts {@code body} as a daemon thread that keeps the agent's start priority. */
    void startKept(Runnable body, String name) {
        if (starter == null) {
            start(body, name);
            return;
        }
        try {
            starter.submit(() -> {
                // under the lock no sweep runs between the thread's start and its id being kept
                synchronized (this) {
                    CountDownLatch known = new CountDownLatch(1);
                    start(() -> {
                        try {
                            kept.add(currentTid());
                        } catch (IOException | RuntimeException e) {
                            // no /proc/thread-self: lowered with the rest, which only costs headroom
                        } finally {
                            known.countDown();
                        }
                        body.run();
                    }, name);
                    known.await();
                }
                return null;
            }).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not start " + name, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void start(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    /** The first failure is told once on stderr and ends the attempts: the agent runs on, at one priority. */
    private synchronized void lowerOthers() {
        if (failed) {
            return;
        }
        try {
            lowerAllBut(kept);
        } catch (IOException | RuntimeException e) {
            failed = true;
            System.err.println("smtreplay agent: cannot lower the priority of the decoding threads (" + e.getMessage()
                    + "); they compete with the guests at the agent's priority");
        }
    }

    @Override
    public void close() {
        closed.countDown();
        if (starter != null) {
            starter.shutdown();
        }
    }

    /** The calling thread's id in the kernel ({@code /proc/thread-self} is {@code <pid>/task/<tid>}). */
    static long currentTid() throws IOException {
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }

    /** The nice value of thread {@code tid} of this process. */
    static int niceOf(long tid) throws IOException {
        return niceFromStat(Files.readString(TASKS.resolve(Long.toString(tid)).resolve("stat"), StandardCharsets.US_ASCII));
    }

    static int niceFromStat(String stat) {
        // the command (field 2) may hold spaces and parens: count from its last ')'
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[NICE_AFTER_COMM]);
    }

    /** Sets every thread of this process but {@code keep} to this nice value. */
    private void lowerAllBut(Set<Long> keep) throws IOException {
        List<Long> tids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                long tid = Long.parseLong(task.getFileName().toString());
                if (!keep.contains(tid) && niceOrEnded(tid) < nice) {
                    tids.add(tid);
                }
            }
        }
        renice(nice, tids);
    }

    private static int niceOrEnded(long tid) throws IOException {
        try {
            return niceOf(tid);
        } catch (NoSuchFileException ended) {
            return Integer.MAX_VALUE;
        }
    }

    /** {@code renice NICE -p TID...} (absolute in every util-linux, unlike {@code -n}). */
    static void renice(int nice, Collection<Long> tids) throws IOException {
        if (tids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("renice", Integer.toString(nice), "-p"));
        tids.forEach(t -> command.add(Long.toString(t)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("renice did not end within 10 s");
            }
            // renice fails on a thread that ended after the listing: what counts is that the others are lowered
            for (long t : tids) {
                if (niceOrEnded(t) < nice) {
                    throw new IOException("renice " + nice + " left thread " + t + " as it was: "
                            + out.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while renice ran");
        }
    }
}
