package io.smtreplay.cli;

import java.io.PrintStream;

import io.smtreplay.replay.ReplaySettings;

import io.smtreplay.cli.local.DemoSet;
import io.smtreplay.cli.local.EmbeddedRun;
import io.smtreplay.kafka.ExitEventBatcher;
import io.smtreplay.ingest.SynthInput;
import io.smtreplay.ingest.parse.PartialReadException;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.schemas.AppSpeedup;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

    private static final String REPLAYING = "replaying; no results printed (they were not complete)";

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
        // a file that cannot be read is reported before a broker and a cluster are started for nothing
        for (Path file : files) {
            if (java.nio.file.Files.isDirectory(file)) {
                throw new java.io.IOException("cannot read " + file + ": it is a directory; give the trace files in it");
            }
            if (!java.nio.file.Files.isReadable(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
        }
        MetricsPort.requireFree(metricsPort, spec);
        long t0 = System.nanoTime();
        // watched before anything starts, so a signal while Kafka and Flink start is reported too;
        // the run folder's own hook stops them and deletes their files
        try (SignalStop signal = SignalStop.watch(spec.qualifiedName(), "starting Kafka and Flink; no results printed", err);
             EmbeddedRun run = EmbeddedRun.start(settings.parallelism(), metricsPort, err)) {
            signal.phase("publishing the input; no results printed");
            // the ingest line says the replay began: the phase changes before it is printed
            if (demo) {
                SynthInput input = SynthInput.of(DemoSet.specs(demoDuration.toNanos()), settings.projector().profile());
                run.publish(input, EmbeddedRun.batching(settings));
                signal.phase(REPLAYING);
                err.printf("ingest: %d events of the demo set (synthesized, %d ms of trace each); window %s ms%n",
                        input.events().size(), demoDuration.toMillis(), settings.window().toNanos() / 1e6);
            } else {
                List<ReadSummary> read = publishFiles(run, EmbeddedRun.batching(settings));
                signal.phase(REPLAYING);
                err.printf("ingest: %d events from %d file(s), %d line(s) refused (on the dead-letter topic)%n",
                        read.stream().mapToLong(ReadSummary::events).sum(), files.size(),
                        read.stream().mapToLong(ReadSummary::refused).sum());
            }
            List<AppSpeedup> results = run.replay(settings);
            if (!signal.printUnlessStopped(() -> EmbeddedRun.print(results, out))) {
                return CliSupport.ERROR;
            }
            err.printf("done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            if (serve) {
                err.printf("serving http://localhost:%d/metrics until Ctrl-C%n", run.metricsPort());
                // Ctrl-C or SIGTERM ends the JVM here: nothing was cut short, so no stop line
                new CountDownLatch(1).await();
            }
        }
        return 0;
    }

    /** Publishes the files; one that fails part way (a truncated gzip) ends the run, naming it. */
    private List<ReadSummary> publishFiles(EmbeddedRun run, ExitEventBatcher.BatchSettings batching)
            throws java.io.IOException, InterruptedException {
        try {
            return run.publishFiles(files, batching);
        } catch (PartialReadException e) {
            throw new java.io.IOException("cannot read " + e.summary().source() + ": " + e.getMessage() + "; nothing replayed", e);
        } catch (java.io.IOException e) {
            String which = files.size() == 1 ? " " + files.get(0) : "";
            throw new java.io.IOException("cannot read" + which + ": " + CliSupport.readReason(e) + "; nothing replayed", e);
        }
    }
}
