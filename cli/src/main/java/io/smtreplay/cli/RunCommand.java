package io.smtreplay.cli;

import java.io.PrintStream;

import io.smtreplay.replay.ReplaySettings;

import io.smtreplay.cli.local.DemoSet;
import io.smtreplay.cli.local.EmbeddedRun;
import io.smtreplay.ingest.SynthInput;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.schemas.AppSpeedup;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code smtreplay run}: the embedded default, see README. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        description = {"Starts an in-process Kafka broker and a local Flink cluster, publishes the traces (by default a "
                + "synthesized demo set: memcached, netperf-rr, fio-randread, cpuid-loop), replays them to the end "
                + "and prints the projected speedup per app. With --serve, keeps the metrics up until Ctrl-C."})
public final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "trace files (ftrace, trace-cmd report, perf script); none: the demo set")
    List<Path> files = List.of();

    @Option(names = "--serve", description = "after printing, keep serving the metrics until Ctrl-C")
    boolean serve;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9249", description = "Prometheus metrics port (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(names = "--demo-duration", paramLabel = "D", defaultValue = "80ms", converter = TraceDuration.class,
            description = "trace time synthesized per demo workload (default: ${DEFAULT-VALUE})")
    java.time.Duration demoDuration;

    @Mixin
    ReplayOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        boolean demo = files.isEmpty();
        // the demo set is short and merged in time order: smaller window and bound unless chosen
        boolean demoWindow = demo && options.window.equals(ReplaySettings.DEFAULT_WINDOW);
        if (demoWindow) {
            options.window = TraceDuration.parse(DemoSet.DEMO_WINDOW);
        }
        if (demo && options.outOfOrderness.equals(ReplaySettings.DEFAULT_OUT_OF_ORDERNESS)) {
            options.outOfOrderness = TraceDuration.parse(DemoSet.DEMO_OUT_OF_ORDERNESS);
        }
        ReplaySettings settings = options.settings();
        // a missing file is reported before a broker and a cluster are started for nothing
        for (Path file : files) {
            if (!java.nio.file.Files.isReadable(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
        }
        MetricsPort.requireFree(metricsPort, spec);
        long t0 = System.nanoTime();
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<String> phase = new AtomicReference<>("starting Kafka and Flink");
        AtomicReference<EmbeddedRun> started = new AtomicReference<>();
        // Ctrl-C / SIGTERM: stop now, say what was cut short, close Kafka and Flink (their
        // folders deleted) before the JVM exits; the main thread's results are never printed.
        // Registered before anything starts, so a signal during the start is reported too.
        Thread hook = new Thread(() -> {
            synchronized (phase) {
                String cut = phase.get();
                if (cut != null) {
                    err.println("smtreplay run: stopped while " + cut + "; no results printed");
                }
                stop.countDown();
            }
            try {
                if (started.get() != null) {
                    started.get().close();
                }
            } catch (Exception e) {
                err.println("smtreplay run: while stopping: " + CliSupport.message(e));
            }
        }, "smtreplay-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (EmbeddedRun run = startOrUnhook(settings.parallelism(), hook, stop)) {
            started.set(run);
            try {
                phase.set("publishing the input");
                if (demo) {
                    SynthInput input = SynthInput.of(DemoSet.specs(demoDuration.toNanos()), settings.projector().profile());
                    run.publish(input, EmbeddedRun.batching(settings));
                    err.printf("ingest: %d events of the demo set (synthesized, %d ms of trace each); window %s ms%n",
                            input.events().size(), demoDuration.toMillis(), settings.window().toNanos() / 1e6);
                } else {
                    List<ReadSummary> read = run.publishFiles(files, EmbeddedRun.batching(settings));
                    err.printf("ingest: %d events from %d file(s), %d line(s) refused (on the dead-letter topic)%n",
                            read.stream().mapToLong(ReadSummary::events).sum(), files.size(),
                            read.stream().mapToLong(ReadSummary::refused).sum());
                }
                phase.set("replaying (the results were not complete)");
                List<AppSpeedup> results = run.replay(settings);
                synchronized (phase) {
                    if (stop.getCount() == 0) {
                        return CliSupport.ERROR;
                    }
                    phase.set(null);
                    EmbeddedRun.print(results, out);
                }
                err.printf("done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                if (serve) {
                    err.printf("serving http://localhost:%d/metrics until Ctrl-C%n", metricsPort);
                    stop.await();
                }
            } finally {
                if (stop.getCount() > 0) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
        }
        return 0;
    }

    /** Starts Kafka and Flink; a start that fails takes the shutdown hook away (it would report a stop that was not one). */
    private EmbeddedRun startOrUnhook(int parallelism, Thread hook, CountDownLatch stop) throws Exception {
        try {
            return EmbeddedRun.start(parallelism, metricsPort, err);
        } catch (Exception | Error e) {
            if (stop.getCount() > 0) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            throw e;
        }
    }
}
