package io.smtreplay.cli;

import io.smtreplay.trace.Labels;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.profile.ProfileException;
import io.smtreplay.profile.SmtConfigurations;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.smt.SmtConfiguration;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smtreplay project}: offline, no Kafka or Flink. Reads trace files, reconstructs the
 * nested episodes of every vCPU thread, replays them on each SMT configuration and prints, per
 * app, the projected speedups. Exit codes: 0 done, 1 a file could not be read (or the --rejects
 * file created or written; one line on stderr, see {@link CliSupport}), 2 bad arguments (unknown
 * configuration, unusable profile).
 */
@Command(name = "project", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        sortOptions = false,
        description = {
            "Projects how much faster each app in a nested VM would be if VM traps were SMT thread handoffs "
                    + "(SVt, ISCA 2019), from KVM host (L0) traces: raw ftrace, trace-cmd report or perf script.",
            "Per app and configuration: speedup = (guest time + baseline episode time) / (guest time + projected "
                    + "episode time), exits per level, exit multiplication, the reasons that save most, episodes "
                    + "(incomplete ones by reason) and refused lines."})
public final class ProjectCommand implements Callable<Integer> {

    @Option(names = "--profile", paramLabel = "P", defaultValue = CostProfiles.DEFAULT,
            description = "cost profile: a published name (isca19-table1, hyperturtle-silver4216) or a JSON file "
                    + "(default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--config", paramLabel = "LIST", defaultValue = "baseline,svt-sw,svt-hw",
            description = "comma-separated SMT configurations (default: ${DEFAULT-VALUE})")
    String config;

    @Option(names = "--config-file", paramLabel = "FILE",
            description = "JSON file defining more configurations: {\"configurations\": [{\"name\", \"contexts\", "
                    + "\"partition\": {\"L0\", \"L1\", \"L2\"}}]}")
    Path configFile;

    @Option(names = "--app", paramLabel = "NAME",
            description = "app label for every event (default: one app per file, named after the file)")
    String app;

    @Option(names = "--json", description = "print JSON (times in ns) instead of the tables")
    boolean json;

    @Mixin
    RejectsOption rejectsOption;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "trace files, - for standard input")
    List<String> files;

    private final PrintStream out;
    private final PrintStream err;

    ProjectCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }


    @Override
    public Integer call() throws IOException {
        CostProfile costs;
        List<SmtConfiguration> configurations;
        try {
            costs = CostProfiles.load(profile);
            SmtConfigurations known = configFile == null ? SmtConfigurations.named()
                    : SmtConfigurations.withFile(configFile);
            configurations = known.resolve(config);
        } catch (ProfileException e) {
            err.println("smtreplay project: " + e.getMessage());
            return CliSupport.USAGE;
        }
        RejectsFile rejects = rejectsOption.open(files);
        ProjectReport report;
        try (rejects) {
            report = read(costs, configurations, rejects);
        }
        PrintWriter writer = new PrintWriter(out, false, StandardCharsets.UTF_8);
        if (json) {
            report.printJson(writer);
        } else {
            report.printText(writer);
            if (rejects.summary() != null) {
                writer.println(rejects.summary());
                writer.flush();
            }
        }
        return CliSupport.OK;
    }

    /**
     * Reads every file into the projector, refused lines also to {@code rejects}. A file that
     * cannot be read is named in the error; a failed write to {@code rejects} passes unchanged.
     */
    private ProjectReport read(CostProfile costs, List<SmtConfiguration> configurations, RejectsFile rejects)
            throws IOException {
        TraceProjector projector = new TraceProjector(new Projector(configurations, costs));
        Map<String, Long> refused = new TreeMap<>();
        Map<String, RefusedLine> examples = new TreeMap<>();
        long lines = 0;
        long events = 0;
        for (String file : files) {
            String appName = app != null ? app : Labels.appOfFile(file);
            ReadSummary summary;
            try {
                summary = TraceFileReader.read(file, new TraceRecordSink() {
                    @Override
                    public void onEvent(ParsedEvent parsed) {
                        projector.accept(appName, parsed.source(), parsed.event());
                    }

                    @Override
                    public void onRefused(RefusedLine line) {
                        examples.putIfAbsent(line.reason().code(), line);
                        rejects.write(line);
                    }

                    @Override
                    public void onEventsLost(EventsLost lost) {
                        projector.eventsLost(lost.source(), lost.pcpu());
                    }
                });
            } catch (IOException e) {
                throw new IOException("cannot read " + file + ": " + CliSupport.readReason(e), e);
            }
            lines += summary.lines();
            events += summary.events();
            summary.refusedByReason().forEach((reason, n) -> refused.merge(reason.code(), n, Long::sum));
        }
        projector.finish();
        List<String> refusedExamples = examples.values().stream()
                .map(l -> l.reason().code() + " at " + l.source() + ":" + l.lineNumber() + ": " + l.text().strip())
                .toList();
        String rejectsFile = rejects.path() == null ? null : rejects.path().toString();
        return new ProjectReport(costs, configurations, projector.byApp(), projector.trackerCounters(),
                projector.vcpuThreadsByApp(),
                new ProjectReport.InputSummary(files, lines, events, refused, refusedExamples, rejectsFile));
    }
}
