package io.smtreplay.cli;

import java.io.PrintStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.profile.ProfileException;
import io.smtreplay.synth.GroundTruth;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.synth.WorkloadParameter;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import io.smtreplay.trace.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smtreplay synth}: a synthesized L0 host trace of a nested workload in one tool's and
 * kernel's format, with the ground truth of what it holds. Exit codes: 0 written, 1 could not
 * write, 2 bad arguments.
 */
@Command(name = "synth", mixinStandardHelpOptions = true, versionProvider = CliSupport.Version.class,
        sortOptions = false,
        description = {
            "Synthesizes a KVM host (L0) trace of a nested-virtualization workload exactly as ftrace, "
                    + "trace-cmd report or perf script print it on the chosen kernel. The first line says the file is "
                    + "synthesized; the same arguments always give the same bytes.",
            "The ground truth (episodes, exits by level and reason, guest and episode time) goes to standard "
                    + "error, or as JSON to --truth FILE."})
public final class SynthCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--workload", paramLabel = "W", description = "cpuid-loop, netperf-rr, memcached, fio-randread, idle (--list-workloads)")
    String workload;

    @Option(names = "--format", paramLabel = "F", defaultValue = "ftrace", description = "ftrace, trace-cmd or perf (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--kernel", paramLabel = "K", defaultValue = "6.12", description = "4.18, 5.10 or 6.12: which print formats (default: ${DEFAULT-VALUE})")
    String kernel;

    @Option(names = "--isa", paramLabel = "I", defaultValue = "vmx", description = "vmx or svm (default: ${DEFAULT-VALUE})")
    String isa;

    @Option(names = "--vcpus", paramLabel = "N", defaultValue = "1", description = "L1 vCPU threads traced (default: ${DEFAULT-VALUE})")
    int vcpus;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "100ms", converter = TraceDuration.class,
            description = "trace length, in trace time (default: ${DEFAULT-VALUE})")
    java.time.Duration duration;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--app", paramLabel = "NAME", description = "app label announced in the header (default: synthetic-<workload>)")
    String app;

    @Option(names = "--profile", paramLabel = "P", defaultValue = CostProfiles.DEFAULT,
            description = "cost profile (published name or JSON file) whose world-switch costs time the trace (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--no-shadow-vmcs", description = "VMX: L1's VMREAD/VMWRITE trap to L0 (no VMCS shadowing)")
    boolean noShadowVmcs;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "-", description = "output file, - for standard output (default)")
    String output;

    @Option(names = "--truth", paramLabel = "FILE", description = "write the ground truth as JSON to FILE")
    Path truthFile;

    @Option(names = "--quiet", description = "do not print the ground truth on standard error")
    boolean quiet;

    @Option(names = "--list-workloads", description = "list the workloads and exit")
    boolean listWorkloads;

    @Option(names = "--describe", description = "print the chosen workload's parameters, each with its source or "
            + "marked ASSUMED, and exit")
    boolean describe;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = commandSpec.commandLine().getErr();
        if (describe) {
            PrintWriter out = commandSpec.commandLine().getOut();
            Workload w = spec().workload();
            out.printf(Locale.ROOT, "%s: %s%n", w.cliName(), w.description());
            for (WorkloadParameter p : w.parameters()) {
                out.printf(Locale.ROOT, "  %s%n", p.describe());
            }
            out.flush();
            return 0;
        }
        if (listWorkloads) {
            PrintWriter out = commandSpec.commandLine().getOut();
            for (Workload w : Workload.values()) {
                out.printf(Locale.ROOT, "%-14s %s%n", w.cliName(), w.description());
            }
            out.flush();
            return 0;
        }
        SynthSpec spec = spec();
        TraceSynthesizer synthesizer;
        try {
            synthesizer = new TraceSynthesizer(spec, CostProfiles.load(profile));
        } catch (ProfileException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
        GroundTruth truth;
        try {
            truth = writeTrace(synthesizer);
        } catch (IllegalArgumentException e) {
            // e.g. a profile whose switches alone exceed cpuid-loop's Table 1 total
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            err.println("smtreplay synth: cannot write " + output + ": " + CliSupport.ioReason(cause));
            err.flush();
            return 1;
        }
        if (truthFile != null) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            try (OutputStream out = Files.newOutputStream(truthFile)) {
                json.writeValue(out, truthJson(spec, truth));
            } catch (IOException e) {
                // the trace was written; say which file failed and why, as for -o
                err.println("smtreplay synth: cannot write the ground truth to " + truthFile + ": " + CliSupport.ioReason(e));
                err.flush();
                return 1;
            }
        }
        if (!quiet) {
            err.print(truth.report());
            err.flush();
        }
        return 0;
    }

    /** Where {@code -o -} writes the trace (the root command's standard output). */
    private final PrintStream stdout;

    SynthCommand(PrintStream out, PrintStream err) {
        this.stdout = out;
    }

    SynthCommand() {
        this(System.out, System.err);
    }

    private GroundTruth writeTrace(TraceSynthesizer synthesizer) throws IOException {
        if ("-".equals(output)) {
            OutputStream out = new BufferedOutputStream(stdout, 1 << 16);
            GroundTruth truth = synthesizer.write(out);
            out.flush();
            if (stdout.checkError()) {
                throw new IOException("standard output closed");
            }
            return truth;
        }
        try (OutputStream out = Files.newOutputStream(Path.of(output))) {
            return synthesizer.write(out);
        }
    }

    /** The longest trace synth writes (trace time). */
    static final java.time.Duration MAX_DURATION = java.time.Duration.ofDays(1);

    private SynthSpec spec() {
        if (workload == null) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "Missing required option: '--workload=W'");
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            // trace timestamps are seconds with 6 decimals from a boot-time origin: beyond a day the
            // synthesizer's clock arithmetic is not what a trace of any real host looks like
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "--duration " + Durations.format(duration)
                    + " is more than the " + Durations.format(MAX_DURATION) + " of trace time synth writes at most");
        }
        try {
            long durationNs = duration.toNanos();
            return new SynthSpec(Workload.ofCliName(workload), TraceFormat.ofCliName(format), KernelEra.ofCliName(kernel),
                    isaOf(isa), vcpus, durationNs, seed, app, !noShadowVmcs);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
    }

    private static Isa isaOf(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "vmx" -> Isa.VMX;
            case "svm" -> Isa.SVM;
            default -> throw new IllegalArgumentException("unknown isa '" + name + "' (vmx, svm)");
        };
    }

    static Map<String, Object> truthJson(SynthSpec spec, GroundTruth truth) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", spec.appLabel());
        m.put("workload", spec.workload().cliName());
        m.put("format", spec.format().cliName());
        m.put("kernel", spec.kernel().cliName());
        m.put("isa", spec.isa().name().toLowerCase(Locale.ROOT));
        m.put("lines", truth.lines());
        m.put("eventLines", truth.eventLines());
        Map<String, Long> episodes = new LinkedHashMap<>();
        Map<String, Long> episodeNs = new LinkedHashMap<>();
        for (EpisodeType t : EpisodeType.values()) {
            episodes.put(t.name(), truth.episodes(t));
            episodeNs.put(t.name(), truth.episodeNs(t));
        }
        m.put("episodes", episodes);
        m.put("episodeNs", episodeNs);
        m.put("episodesByTypeAndReason", truth.episodesByTypeAndReason());
        m.put("l2ExitsByReason", truth.l2ExitsByReason());
        m.put("injectedByReason", truth.injectedByReason());
        m.put("l1ExitsByReason", truth.l1ExitsByReason());
        m.put("l0Exits", truth.l0Exits());
        m.put("exitMultiplication", truth.exitMultiplication());
        Map<String, Long> switches = new LinkedHashMap<>();
        for (WorldSwitch s : WorldSwitch.values()) {
            switches.put(s.name(), truth.switches(s));
        }
        m.put("worldSwitches", switches);
        m.put("l2GuestNs", truth.l2GuestNs());
        m.put("l1GuestNs", truth.l1GuestNs());
        m.put("baselineEpisodeNs", truth.baselineEpisodeNs());
        m.put("idleEpisodes", truth.idleEpisodes());
        m.put("idleWaitNs", truth.idleWaitNs());
        m.put("reflectedL0Ns", truth.reflectedL0Ns());
        m.put("reflectedL1Ns", truth.reflectedL1Ns());
        m.put("eventsByTracepoint", truth.eventsByTracepoint());
        return m;
    }
}
