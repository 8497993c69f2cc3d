package io.smtreplay.bench;

import io.smtreplay.cli.Smtreplay;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;

/**
 * {@code smtreplay stat FILE} warm: the command run {@code rounds} times in one JVM, each round's
 * process CPU time (every thread: the reader, the JIT compilers, the garbage collector) printed,
 * so the cost of the reading itself can be told from the JVM's start-up and warm-up, which a
 * one-shot {@code bin/smtreplay stat} pays too. See BENCHMARKS.md.
 *
 * <pre>java -cp $CP io.smtreplay.bench.StatCpuTime FILE LINES ROUNDS</pre>
 */
public final class StatCpuTime {
    private StatCpuTime() {
    }

    public static void main(String[] args) {
        String file = args[0];
        long lines = Long.parseLong(args[1]);
        int rounds = Integer.parseInt(args[2]);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        PrintStream results = System.out;
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        for (int round = 1; round <= rounds; round++) {
            long cpu = os.getProcessCpuTime();
            long wall = System.nanoTime();
            int code = Smtreplay.run(discard, System.err, "stat", file);
            cpu = os.getProcessCpuTime() - cpu;
            wall = System.nanoTime() - wall;
            results.printf("round %d: exit %d, %.3f s process CPU, %.3f s wall, %.2f M lines per CPU-second%n", round, code,
                    cpu / 1e9, wall / 1e9, lines / (cpu / 1e9) / 1e6);
        }
    }
}
