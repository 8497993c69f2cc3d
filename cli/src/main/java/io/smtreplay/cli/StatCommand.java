package io.smtreplay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smtreplay stat FILE...}: the per-reason exit table users know from {@code perf kvm stat
 * report}, split by level (L1/L2), from trace files; then lines, events and refused lines by reason.
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
        try (rejects) {
            read(stats, summaries, rejects);
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
        return CliSupport.OK;
    }

    private void read(ExitStatistics stats, List<ReadSummary> summaries, RejectsFile rejects) throws IOException {
        TraceRecordSink sink = new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent event) {
                stats.accept(event.event());
            }

            @Override
            public void onRefused(RefusedLine refused) {
                rejects.write(refused);
            }
        };
        for (String file : files) {
            summaries.add(TraceFileReader.read(file, sink));
            stats.endOfSource();
        }
    }

    static Map<String, Object> report(ExitStatistics stats, List<ReadSummary> summaries, RejectsFile rejects) {
        long lines = 0;
        long events = 0;
        Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
        List<Map<String, Object>> files = new ArrayList<>();
        for (ReadSummary s : summaries) {
            lines += s.lines();
            events += s.events();
            s.refusedByReason().forEach((r, n) -> refused.merge(r, n, Long::sum));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("source", s.source());
            f.put("format", s.detectedFormat() == null ? null : s.detectedFormat().cliName());
            f.put("lines", s.lines());
            f.put("events", s.events());
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
        Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
        for (ReadSummary s : summaries) {
            lines += s.lines();
            events += s.events();
            s.refusedByReason().forEach((r, n) -> refused.merge(r, n, Long::sum));
        }
        long refusedTotal = refused.values().stream().mapToLong(Long::longValue).sum();
        out.printf("Lines read: %d   events: %d   refused lines: %d%n", lines, events, refusedTotal);
        refused.forEach((r, n) -> out.printf("  %-20s %8d  %s%n", r.code(), n, r.description()));
    }

    private static String us(Number ns) {
        return ns == null ? "-" : String.format("%.2fus", ns.doubleValue() / 1000.0);
    }
}
