package io.smtreplay.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Keeps the agent behind the guests it observes: every thread of this JVM but the CPU readers —
 * the merger that decodes, batches and encodes, the spool drainer and Kafka's producer, the JIT
 * compilers, the collector — runs at a higher nice value than the guests' vCPU threads, so on a
 * busy host the guests get the CPU first and decoding lags (the readers keep moving pages out of
 * the ring buffer at the normal priority, which is cheap). Measured: with everything at nice 0 the
 * agent's C2 compiler and merger took more than one of two cores next to the guest
 * (BENCHMARKS.md, issue 12).
 *
 * <p>Linux lets a thread raise its own (or a same-user thread's) nice value without any
 * capability, which the agent, running with every capability dropped, relies on; lowering it back
 * would need {@code CAP_SYS_NICE}, so the readers must be kept out, never reniced and restored.
 * Java has no {@code setpriority}: {@code renice} (util-linux, in every image we ship) does it on a
 * thread id, which is per thread on Linux. Threads started later inherit the nice value of the
 * thread that starts them, and {@link #lowerAllBut} is repeated for the few the JVM starts from
 * threads it had before.
 */
final class BackgroundPriority {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Field 19 of {@code /proc/<pid>/task/<tid>/stat}, counted after the command's closing paren (field 2). */
    private static final int NICE_AFTER_COMM = 19 - 3;

    private final int nice;

    /** {@code nice}: 1..19, the nice value of everything but the readers. */
    BackgroundPriority(int nice) {
        if (nice < 1 || nice > 19) {
            throw new IllegalArgumentException("the decoding nice value must be 1..19, not " + nice);
        }
        this.nice = nice;
    }

    int nice() {
        return nice;
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

    /** Sets every thread of this process but {@code keep} to this nice value; returns how many it changed. */
    int lowerAllBut(Set<Long> keep) throws IOException {
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
        return tids.size();
    }

    private static int niceOrEnded(long tid) throws IOException {
        try {
            return niceOf(tid);
        } catch (NoSuchFileException ended) {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * Lowers the others at once, then every {@code period} until {@code stopped} (threads the JVM
     * starts from a reader, or from a thread that existed before, would keep nice 0). The first
     * failure is told once on stderr and ends the attempts: the agent runs on, at the normal priority.
     */
    void keepLowering(Set<Long> keep, java.time.Duration period, java.util.concurrent.CountDownLatch stopped) {
        try {
            do {
                lowerAllBut(keep);
            } while (!stopped.await(period.toMillis(), TimeUnit.MILLISECONDS));
        } catch (IOException | RuntimeException e) {
            System.err.println("smtreplay agent: cannot lower the priority of the decoding threads (" + e.getMessage()
                    + "); they compete with the guests at the normal priority");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
