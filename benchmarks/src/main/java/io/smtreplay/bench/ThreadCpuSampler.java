package io.smtreplay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads by name group while a job runs, from Linux's
 * {@code /proc/self/task}: unlike a Java profiler's samples it includes the JIT compilers and the
 * garbage collector, a large part of a short benchmark's CPU. Threads are read every 100 ms and
 * each one's last reading kept, since a job's task threads end with it. Nothing where there is no
 * {@code /proc}.
 */
final class ThreadCpuSampler {

    private static final long NS_PER_TICK = 10_000_000L; // USER_HZ is 100 on every Linux this runs on

    private final Map<Long, Long> atStart = new HashMap<>();
    /** tid -> last CPU ns and thread name; written by the sampling thread, read after it ends. */
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ThreadCpuSampler() {
        read(atStart, new HashMap<>());
        thread = new Thread(() -> {
            while (running) {
                read(last, names);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "thread-cpu-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    static ThreadCpuSampler start() {
        return new ThreadCpuSampler();
    }

    /** CPU seconds per thread group since the start (groups of 50 ms or more), largest first. */
    String stop() throws InterruptedException {
        running = false;
        thread.join();
        read(last, names);
        Map<String, Long> byGroup = new HashMap<>();
        last.forEach((tid, ns) -> byGroup.merge(group(names.get(tid)), ns - atStart.getOrDefault(tid, 0L), Long::sum));
        return byGroup.entrySet().stream().filter(e -> e.getValue() >= 50_000_000L)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .map(e -> String.format("%s %.2f s", e.getKey(), e.getValue() / 1e9))
                .collect(Collectors.joining(", "));
    }

    /** tid -> CPU ns and tid -> thread name of every live thread. */
    private static void read(Map<Long, Long> cpu, Map<Long, String> names) {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : threads.toList()) {
                try {
                    long tid = Long.parseLong(t.getFileName().toString());
                    String stat = Files.readString(t.resolve("stat"));
                    // the name is in parentheses; after it: state is field 3, utime 14, stime 15
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    cpu.put(tid, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NS_PER_TICK);
                    names.put(tid, name);
                } catch (IOException | RuntimeException threadEnded) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException ignored) {
            // no figures rather than a failed benchmark
        }
    }

    /** A thread's name without digits and without Flink's subtask suffix from the first '('. */
    private static String group(String threadName) {
        int paren = threadName.indexOf('(');
        String base = paren >= 0 ? threadName.substring(0, paren) : threadName;
        return base.replaceAll("[0-9]+", "N").trim();
    }
}
