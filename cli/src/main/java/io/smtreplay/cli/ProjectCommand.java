package io.smtreplay.cli;

import io.smtreplay.ingest.parse.ParallelTraceReader;
import io.smtreplay.ingest.parse.PartialReadException;
import io.smtreplay.ingest.parse.ReadSummary;
import io.smtreplay.trace.Labels;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.EventsLost;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.profile.ProfileException;
import io.smtreplay.profile.ProfileFamily;
import io.smtreplay.profile.SmtConfigurations;
import io.smtreplay.projection.FamilyProjection;
import io.smtreplay.projection.MultiProjection;
import io.smtreplay.projection.ParameterSweep;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.smt.SmtConfiguration;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
                    + "episode time) with its band over the profile's family, exits per level, exit multiplication, "
                    + "the reasons that save most, episodes (incomplete ones by reason) and refused lines.",
            "A trace of another ISA than the profile's is refused (exit 2) unless --allow-isa-mismatch."})
public final class ProjectCommand implements Callable<Integer> {

    @Option(names = "--profile", paramLabel = "P", defaultValue = CostProfiles.DEFAULT,
            description = "cost profile: a published name (isca19-table1 for VMX, svm-lkml2020 for SVM, "
                    + "hyperturtle-silver4216) or a JSON file (default: ${DEFAULT-VALUE}); its family gives each "
                    + "speedup's band")
    String profile;

    @Option(names = "--allow-isa-mismatch",
            description = "project a trace of another ISA than the profile's (VMX costs on an SVM trace, or the "
                    + "reverse) instead of refusing it")
    boolean allowIsaMismatch;

    @Option(names = "--sweep", paramLabel = "PARAM=FROM:TO:STEP",
            description = "print the speedups as one profile parameter goes FROM to TO by STEP (ns), e.g. "
                    + "handoff.svt-hw=0:400:50; parameters: contextSwitch.L2_TO_L0 ..., lazyStatePerReflectedExit, "
                    + "handoff.<configuration>")
    String sweep;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "with --sweep: also write the table as CSV to FILE and a plot as SVG beside it (FILE with "
                    + ".svg for its extension)")
    Path output;

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
        ProfileFamily family;
        List<SmtConfiguration> configurations;
        SweepOption.Range range = null;
        try {
            family = CostProfiles.loadFamily(profile);
            SmtConfigurations known = configFile == null ? SmtConfigurations.named()
                    : SmtConfigurations.withFile(configFile);
            configurations = known.resolve(config);
            if (sweep != null) {
                range = SweepOption.parse(sweep);
            } else if (output != null) {
                throw new ProfileException("-o writes a sweep's table: give --sweep too");
            }
        } catch (ProfileException e) {
            err.println("smtreplay project: " + e.getMessage());
            return CliSupport.USAGE;
        }
        ParameterSweep parameterSweep = null;
        FamilyProjection projection = null;
        MultiProjection input;
        if (range != null) {
            try {
                parameterSweep = new ParameterSweep(family.central(), configurations, range.parameter(), range.fromNs(),
                        range.toNs(), range.stepNs());
            } catch (IllegalArgumentException e) {
                err.println("smtreplay project: --sweep: " + e.getMessage());
                return CliSupport.USAGE;
            }
            input = parameterSweep.input();
        } else {
            projection = new FamilyProjection(family, configurations);
            input = projection.input();
        }
        IsaGuard guard = new IsaGuard(family.central(), allowIsaMismatch);
        RejectsFile rejects = rejectsOption.open(files);
        Outcome outcome;
        try (rejects) {
            outcome = read(input, guard, rejects);
        } catch (IsaGuard.Mismatch e) {
            err.println("smtreplay project: " + e.getMessage());
            return CliSupport.USAGE;
        }
        PrintWriter writer = new PrintWriter(out, false, StandardCharsets.UTF_8);
        if (parameterSweep != null) {
            SweepTable table = new SweepTable(parameterSweep, configurations);
            table.print(writer);
            if (output != null) {
                table.write(output);
                writer.printf("wrote %s and %s%n", output, SweepTable.svgPath(output));
            }
            writer.flush();
            if (outcome.failure() != null) {
                throw outcome.failure();
            }
            return CliSupport.OK;
        }
        TraceProjector central = projection.central();
        ProjectReport report = new ProjectReport(family.central(), configurations, central.byApp(),
                central.trackerCounters(), central.vcpuThreadsByApp(), outcome.summary())
                .withBands(projection, guard.warning());
        if (json) {
            report.printJson(writer);
        } else {
            report.printText(writer);
            if (rejects.summary() != null) {
                writer.println(rejects.summary());
                writer.flush();
            }
        }
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return CliSupport.OK;
    }

    /** What was read; {@code failure}: a file failed part way, the error to end with after the report. */
    private record Outcome(ProjectReport.InputSummary summary, IOException failure) {
    }

    /**
     * Reads every file into the projections, refused lines also to {@code rejects}; files are
     * parsed ahead on the machine's cores and projected in file order (see
     * {@link ParallelTraceReader}). A file that cannot be read is named in the error; one that
     * fails part way (a truncated gzip) gives the report of the lines before and the error. A
     * failed write to {@code rejects} passes unchanged.
     */
    private Outcome read(MultiProjection projector, IsaGuard guard, RejectsFile rejects) throws IOException {
        Map<String, RefusedLine> examples = new TreeMap<>();
        String[] reading = new String[1];
        List<ReadSummary> summaries = new ArrayList<>();
        IOException partial = null;
        try {
            summaries.addAll(ParallelTraceReader.readAll(files, Runtime.getRuntime().availableProcessors(), file -> {
                reading[0] = file;
                String appName = app != null ? app : Labels.appOfFile(file);
                return new TraceRecordSink() {
                    @Override
                    public void onEvent(ParsedEvent parsed) {
                        guard.check(parsed);
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
                };
            }));
        } catch (PartialReadException e) {
            summaries.add(e.summary());
            partial = new IOException("cannot read " + reading[0] + ": " + e.getMessage()
                    + " (the lines before were read and are counted above)", e);
        } catch (IOException e) {
            throw new IOException("cannot read " + reading[0] + ": " + CliSupport.readReason(e), e);
        }
        long lines = 0;
        long events = 0;
        Map<String, Long> refused = new TreeMap<>();
        for (ReadSummary summary : summaries) {
            lines += summary.lines();
            events += summary.events();
            summary.refusedByReason().forEach((reason, n) -> refused.merge(reason.code(), n, Long::sum));
        }
        projector.finish();
        List<String> refusedExamples = examples.values().stream()
                .map(l -> l.reason().code() + " at " + l.source() + ":" + l.lineNumber() + ": " + l.text().strip())
                .toList();
        String rejectsFile = rejects.path() == null ? null : rejects.path().toString();
        return new Outcome(new ProjectReport.InputSummary(files, lines, events, refused, refusedExamples, rejectsFile),
                partial);
    }
}
