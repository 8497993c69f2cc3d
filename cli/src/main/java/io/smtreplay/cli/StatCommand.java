package io.smtreplay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smtreplay.ingest.parse.EventView;
import io.smtreplay.ingest.parse.ParallelTraceReader;
import io.smtreplay.ingest.parse.PartialReadException;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.trace.ExitStatistics;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smtreplay stat FILE...}: the per-reason exit table users know from {@code perf kvm stat
 * report}, split by level (L1/L2), from trace files; then lines, events, joined and refused lines by reason.
 * Several files are read in parallel, one table each, added in file order (the same table as
 * reading them one after another: exits never pair across files); with {@code --rejects} they are
 * read one after another, so the refused lines are kept in file order. A file that fails part way
 * (a truncated gzip) is reported up to the failure, then the command fails with the error.
 */
@Command(name = "stat", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        description = "Per (level, exit reason): samples, %%, handling time (exit -> next entry on the same vCPU thread);"
                + " then lines read, events, refused lines by reason.")
public final class StatCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files (plain or .gz), '-' for standard input")
    List<String> files;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Mixin
    RejectsOption rejectsOption;

    private final PrintStream out;

    StatCommand(PrintStream out, PrintStream err) {
        this.out = out;
    }


    @Override
    public Integer call() throws Exception {
        ExitStatistics stats = new ExitStatistics();
        List<ReadSummary> summaries = new ArrayList<>();
        RejectsFile rejects = rejectsOption.open(files);
        PartialReadException failure;
        try (rejects) {
            failure = read(stats, summaries, rejects);
        }
        if (json) {
            Map<String, Object> report = report(stats, summaries, rejects);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            printTable(stats, summaries);
            if (rejects.summary() != null) {
                out.println(rejects.summary());
            }
        }
        if (failure != null) {
            out.flush();
            throw new IOException("cannot read " + failure.summary().source() + ": " + failure.getMessage()
                    + " (the lines before were read and are counted above)", failure);
        }
        return CliSupport.OK;
    }

    /** Reads every file into {@code stats}; returns the first file that failed part way, or null. */
    private PartialReadException read(ExitStatistics stats, List<ReadSummary> summaries, RejectsFile rejects)
            throws IOException, InterruptedException {
        int threads = rejects == RejectsFile.NONE ? Math.min(files.size(), Runtime.getRuntime().availableProcessors()) : 1;
        if (threads <= 1) {
            PartialReadException failure = null;
            for (String file : files) {
                FileStat f = readOne(file, rejects);
                failure = add(f, stats, summaries, failure);
            }
            return failure;
        }
        ExecutorService pool = ParallelTraceReader.readerThreads(threads);
        try {
            List<Future<FileStat>> pending = new ArrayList<>();
            for (String file : files) {
                pending.add(pool.submit(() -> readOne(file, rejects)));
            }
            PartialReadException failure = null;
            for (Future<FileStat> f : pending) {
                failure = add(result(f), stats, summaries, failure);
            }
            return failure;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One file's table and summary, or the failure that cut it short (its summary counts the lines before). */
    private record FileStat(ExitStatistics stats, ReadSummary summary, PartialReadException failure) {
    }

    private static FileStat readOne(String file, RejectsFile rejects) throws IOException {
        ExitStatistics stats = new ExitStatistics();
        TraceRecordSink sink = new TraceRecordSink() {
            @Override
            public void onDecoded(EventView event) {
                stats.accept(event.kind(), event.tid(), event.timestampNs(), event.reason(), event.isa());
            }

            @Override
            public void onEvent(ParsedEvent event) {
                stats.accept(event.event());
            }

            @Override
            public void onRefused(RefusedLine refused) {
                rejects.write(refused);
            }
        };
        try {
            ReadSummary summary = TraceFileReader.read(file, sink);
            stats.endOfSource();
            return new FileStat(stats, summary, null);
        } catch (PartialReadException e) {
            stats.endOfSource();
            return new FileStat(stats, e.summary(), e);
        }
    }

    private static PartialReadException add(FileStat f, ExitStatistics stats, List<ReadSummary> summaries,
                                            PartialReadException failure) {
        stats.merge(f.stats());
        summaries.add(f.summary());
        return failure != null ? failure : f.failure();
    }

    private static FileStat result(Future<FileStat> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    static Map<String, Object> report(ExitStatistics stats, List<ReadSummary> summaries, RejectsFile rejects) {
        long lines = 0;
        long events = 0;
        long joined = 0;
        Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
        List<Map<String, Object>> files = new ArrayList<>();
        for (ReadSummary s : summaries) {
            lines += s.lines();
            events += s.events();
            joined += s.joined();
            s.refusedByReason().forEach((r, n) -> refused.merge(r, n, Long::sum));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("source", s.source());
            f.put("format", s.detectedFormat() == null ? null : s.detectedFormat().cliName());
            f.put("lines", s.lines());
            f.put("events", s.events());
            f.put("joined", s.joined());
            f.put("refused", s.refused());
            f.put("refusedByReason", codes(s.refusedByReason()));
            files.add(f);
        }
        long total = stats.rows().stream().mapToLong(ExitStatistics.Row::samples).sum();
        List<Map<String, Object>> exits = new ArrayList<>();
        for (ExitStatistics.Row r : stats.rows()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("level", r.level().name());
            e.put("isa", r.isa().name());
            e.put("reason", r.reason());
            e.put("samples", r.samples());
            e.put("percent", total == 0 ? 0.0 : 100.0 * r.samples() / total);
            e.put("timedSamples", r.timedSamples());
            e.put("minNs", r.minNs());
            e.put("avgNs", r.avgNs());
            e.put("p50Ns", r.p50Ns());
            e.put("p99Ns", r.p99Ns());
            e.put("maxNs", r.maxNs());
            exits.add(e);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("lines", lines);
        report.put("events", events);
        report.put("joined", joined);
        report.put("refused", refused.values().stream().mapToLong(Long::longValue).sum());
        report.put("refusedByReason", codes(refused));
        if (rejects.path() != null) {
            report.put("rejectsFile", rejects.path().toString());
        }
        report.put("exits", total);
        report.put("exitsByReason", exits);
        report.put("files", files);
        return report;
    }

    private static Map<String, Long> codes(Map<RefusalReason, Long> byReason) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (RefusalReason r : RefusalReason.values()) {
            Long n = byReason.get(r);
            if (n != null && n > 0) {
                m.put(r.code(), n);
            }
        }
        return m;
    }

    private void printTable(ExitStatistics stats, List<ReadSummary> summaries) {
        List<ExitStatistics.Row> rows = stats.rows();
        long total = rows.stream().mapToLong(ExitStatistics.Row::samples).sum();
        out.printf("%-5s %28s %9s %8s %11s %11s %11s %11s %11s%n",
                "LEVEL", "VM-EXIT", "Samples", "Samples%", "Min", "Avg", "p50", "p99", "Max");
        for (ExitStatistics.Row r : rows) {
            out.printf("%-5s %28s %9d %7.2f%% %11s %11s %11s %11s %11s%n", r.level(), r.reason(), r.samples(),
                    total == 0 ? 0.0 : 100.0 * r.samples() / total, us(r.minNs()), us(r.avgNs()), us(r.p50Ns()),
                    us(r.p99Ns()), us(r.maxNs()));
        }
        out.printf("%nTotal exits: %d (handling time: exit -> next entry on the same thread; '-' = no entry followed)%n", total);
        long lines = 0;
        long events = 0;
        long joined = 0;
        Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
        for (ReadSummary s : summaries) {
            lines += s.lines();
            events += s.events();
            joined += s.joined();
            s.refusedByReason().forEach((r, n) -> refused.merge(r, n, Long::sum));
        }
        long refusedTotal = refused.values().stream().mapToLong(Long::longValue).sum();
        out.printf("Lines read: %d   events: %d   refused lines: %d   joined into events: %d%n", lines, events,
                refusedTotal, joined);
        refused.forEach((r, n) -> out.printf("  %-20s %8d  %s%n", r.code(), n, r.description()));
    }

    private static String us(Number ns) {
        return ns == null ? "-" : String.format("%.2fus", ns.doubleValue() / 1000.0);
    }
}
