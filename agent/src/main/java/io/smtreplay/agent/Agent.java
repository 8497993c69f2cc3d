package io.smtreplay.agent;

import io.smtreplay.ingest.ftrace.EventDecoder;
import io.smtreplay.ingest.ftrace.EventFormats;
import io.smtreplay.ingest.ftrace.PageDecoder;
import io.smtreplay.ingest.ftrace.TracefsFormats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The host capture agent: a private tracefs instance, one {@link CpuReader} thread per CPU, the
 * {@link TimeOrderMerger} writing to the {@link Spool}, and the {@link SpoolDrainer} sending the
 * spool to Kafka. {@link #run} returns after {@link #stop()} (or the duration) once every event
 * read is acknowledged by Kafka, with the instance removed.
 */
public final class Agent {
    private final AgentConfig config;
    private final AgentMetrics metrics;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final long[] lostFromPages;
    private volatile Summary summary;

    /** What the agent is told. {@code duration} null: until {@link #stop()}. */
    public record AgentConfig(Path tracefs, String instanceName, int bufferKbPerCpu, List<String> events,
                              String bootstrap, String topic, String dlqTopic, String progressTopic, int partitions, Path spoolDir,
                              long spoolMaxBytes, Duration deliveryTimeout, Duration duration, String host,
                              Path proc, List<String> labelRules, Path labelFile, int decodeNice, int pageQueueMb) {
        /** Decoding at the guests' priority (nice 0) and the readers' default queue: what an embedding test wants. */
        public AgentConfig(Path tracefs, String instanceName, int bufferKbPerCpu, List<String> events,
                           String bootstrap, String topic, String dlqTopic, String progressTopic, int partitions, Path spoolDir,
                           long spoolMaxBytes, Duration deliveryTimeout, Duration duration, String host,
                           Path proc, List<String> labelRules, Path labelFile) {
            this(tracefs, instanceName, bufferKbPerCpu, events, bootstrap, topic, dlqTopic, progressTopic, partitions, spoolDir,
                    spoolMaxBytes, deliveryTimeout, duration, host, proc, labelRules, labelFile, 0, DEFAULT_PAGE_QUEUE_MB);
        }
    }

    /** Nice value of everything but the readers: the lowest priority, so the guests always come first. */
    public static final int DEFAULT_DECODE_NICE = 19;
    /** Pages read and not yet decoded, all CPUs together, before the readers wait and the ring buffers fill. */
    public static final int DEFAULT_PAGE_QUEUE_MB = 32;
    /** How often threads started since are lowered too (the few the JVM starts from the reader starter or a reader). */
    private static final Duration PRIORITY_SWEEP = Duration.ofSeconds(5);

    /** Per CPU: events the kernel says it lost (stats) and the agent reported; and records published. */
    public record Summary(long[] kernelLost, long[] reportedLost, long published, long leftInSpool) {
    }

    public Agent(AgentConfig config, AgentMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.lostFromPages = new long[Runtime.getRuntime().availableProcessors() * 4 + 64];
    }

    /** Asks a running agent to flush and stop (SIGTERM's shutdown hook calls this). */
    public void stop() {
        stopRequested.countDown();
    }

    public Summary summary() {
        return summary;
    }

    public Summary run() throws AgentException, InterruptedException {
        // from the start: the JIT compiling and the spool of a crashed run draining must not compete with the guests either
        try (BackgroundPriority priority = new BackgroundPriority(config.decodeNice(), PRIORITY_SWEEP)) {
            return run(priority);
        }
    }

    private Summary run(BackgroundPriority priority) throws AgentException, InterruptedException {
        List<ThreadLabels.Rule> rules = new ArrayList<>();
        try {
            for (String r : config.labelRules()) {
                rules.add(ThreadLabels.Rule.parse(r));
            }
            if (config.labelFile() != null) {
                rules.addAll(ThreadLabels.readRules(config.labelFile()));
            }
        } catch (IllegalArgumentException e) {
            throw new AgentException(e.getMessage());
        } catch (IOException e) {
            throw new AgentException("cannot read the label file " + config.labelFile() + ": " + e.getMessage());
        }
        Spool spool;
        try {
            spool = new Spool(config.spoolDir(), config.spoolMaxBytes(), metrics);
        } catch (IOException | NumberFormatException e) {
            throw new AgentException("cannot open the spool " + config.spoolDir() + ": " + e.getMessage());
        }
        SpoolDrainer drainer = new SpoolDrainer(spool, config, metrics);
        Thread drainThread = new Thread(drainer, "agent-spool-drainer");
        drainThread.setDaemon(true);
        // a spool left by a crashed run goes out first, while the instance is being made
        drainThread.start();
        try (TracefsInstance instance = TracefsInstance.create(config.tracefs(), config.instanceName(),
                config.bufferKbPerCpu(), config.events())) {
            EventFormats formats = loadFormats(instance.tracefs());
            PageDecoder pages = new PageDecoder(formats.layout());
            ThreadLabels labels = new ThreadLabels(config.proc(), config.host(), rules);
            List<CpuReader> readers = new ArrayList<>();
            int queuePages = pagesPerCpu(config.pageQueueMb(), pages.layout().subBufferSize(), instance.cpus());
            for (int cpu = 0; cpu < instance.cpus(); cpu++) {
                CpuReader reader = new CpuReader(cpu, instance.rawPipe(cpu), pages, metrics,
                        c -> instance.stats(c).entries(), queuePages);
                try {
                    reader.open();
                } catch (IOException e) {
                    throw new AgentException("cannot open " + instance.rawPipe(cpu) + ": " + TracefsInstance.reason(e));
                }
                readers.add(reader);
            }
            for (CpuReader r : readers) {
                priority.startKept(r, "agent-cpu" + r.cpu());
            }
            EventDecoder decoder = new EventDecoder(formats, config.host() + "/" + instance.dir().getFileName(),
                    labels::comm);
            SpoolingSink sink = new SpoolingSink(spool, labels, config.host(), metrics);
            TimeOrderMerger merger = new TimeOrderMerger(readers, decoder, sink,
                    (cpu, n) -> lostFromPages[cpu] += n);
            Thread stopper = new Thread(() -> stopAfterDuration(instance, readers), "agent-stopper");
            stopper.setDaemon(true);
            stopper.start();
            DecodeBacklog backlog = new DecodeBacklog(readers, metrics);
            merger.run(() -> {
                sink.flush();
                flush(spool);
                backlog.update();
            });
            for (CpuReader r : readers) {
                if (r.failure() != null) {
                    throw new AgentException("reading " + instance.rawPipe(r.cpu()) + " failed: " + r.failure().getMessage());
                }
            }
            long[] kernelLost = new long[instance.cpus()];
            long[] reported = new long[instance.cpus()];
            for (int cpu = 0; cpu < instance.cpus(); cpu++) {
                kernelLost[cpu] = kernelLost(instance, cpu) + readers.get(cpu).abandonedAtStop();
                // losses the pages did not count (a flag without a stored count): report them now, from the kernel
                long missing = kernelLost[cpu] - lostFromPages[cpu];
                if (missing > 0) {
                    decoder.eventsLost(cpu, missing, sink);
                    lostFromPages[cpu] += missing;
                }
                reported[cpu] = lostFromPages[cpu];
            }
            sink.flush();
            flush(spool);
            drainer.stopWhenDrained();
            // Kafka away at the end: wait one delivery timeout, then leave the rest in the spool for the next start
            drainThread.join(config.deliveryTimeout().toMillis());
            long left = spool.written() - spool.committed();
            summary = new Summary(kernelLost, reported, metrics.publishedRecords(), left);
            return summary;
        } finally {
            drainer.stopWhenDrained();
            try {
                spool.close();
            } catch (IOException ignored) {
                // every record was flushed by flush() before
            }
        }
    }

    static int pagesPerCpu(int queueMb, int pageBytes, int cpus) {
        return (int) Math.max(64, ((long) queueMb << 20) / pageBytes / Math.max(1, cpus));
    }

    private static long kernelLost(TracefsInstance instance, int cpu) throws AgentException {
        try {
            return instance.stats(cpu).lost();
        } catch (IOException e) {
            throw new AgentException("cannot read the stats of CPU " + cpu + ": " + e.getMessage());
        }
    }

    private static EventFormats loadFormats(Path tracefs) throws AgentException {
        Path copy = null;
        try {
            // every system of an event the instance enables: without sched's formats each sched_waking
            // record was refused as unrecognized (the capture lab's live run showed it)
            Set<String> systems = Set.of("kvm", "kvmmmu", "sched");
            copy = KernelFiles.copyFormats(tracefs, systems, Files.createTempDirectory("smtreplay-agent-formats-"));
            return TracefsFormats.load(copy, systems);
        } catch (IOException e) {
            throw new AgentException("cannot read the event formats under " + tracefs + ": " + TracefsInstance.reason(e));
        } catch (RuntimeException e) {
            throw new AgentException("cannot parse the event formats under " + tracefs + ": " + e.getMessage());
        } finally {
            deleteTree(copy);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary copy of format files
        }
    }

    private void flush(Spool spool) {
        try {
            spool.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits for the duration or {@link #stop()}, turns tracing off, and lets the readers drain. */
    private void stopAfterDuration(TracefsInstance instance, List<CpuReader> readers) {
        try {
            if (config.duration() == null) {
                stopRequested.await();
            } else {
                stopRequested.await(config.duration().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            instance.stopTracing();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // tracing stays on; the readers still drain and stop
        }
        readers.forEach(CpuReader::drain);
        while (readers.stream().anyMatch(r -> !r.finished())) {
            readers.forEach(CpuReader::closeIfBlocked);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
