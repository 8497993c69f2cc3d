package io.smtreplay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.IncompleteReason;
import io.smtreplay.episode.Level;
import io.smtreplay.episode.TrackerCounters;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.projection.FamilyProjection;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.ReasonSummary;
import io.smtreplay.projection.SpeedupFigure;
import io.smtreplay.projection.TimeBlocks;
import io.smtreplay.smt.SmtConfiguration;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code smtreplay project} prints: per app, a table of the configurations (wall-clock
 * speedup with its 95 % interval first, CPU-time speedup, the hardware contexts a vCPU stack
 * occupies, baseline and projected handling time), how much wall time is waiting with no visible
 * cause (held fixed: the wall-clock figure is then a lower bound), exits per level, exit
 * multiplication, the reasons that save most time, the episodes (incomplete ones by reason) and the
 * refused input lines. As text for people, or as JSON for scripts (same content, times in ns). The
 * figures and their assumptions: docs/model.md.
 */
public final class ProjectReport {

    /** Reasons listed per configuration in the text table. */
    static final int TOP_REASONS = 5;

    private final CostProfile profile;
    private final List<SmtConfiguration> configurations;
    private final Map<String, ProjectionAccumulator> byApp;
    private final Map<String, TrackerCounters> countersByApp;
    private final Map<String, Integer> threadsByApp;
    private final InputSummary input;
    private FamilyProjection bands;
    private String isaWarning;

    /**
     * What was read: files, lines, events, refused lines by reason, the first refused line of each
     * reason and the file the refused lines were written to (null: not kept).
     */
    public record InputSummary(List<String> files, long lines, long events, Map<String, Long> refusedByReason,
                               List<String> refusedExamples, String rejectsFile) {

        public long refused() {
            return refusedByReason.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public ProjectReport(CostProfile profile, List<SmtConfiguration> configurations,
                         Map<String, ProjectionAccumulator> byApp, Map<String, TrackerCounters> countersByApp,
                         Map<String, Integer> threadsByApp, InputSummary input) {
        this.profile = profile;
        this.configurations = configurations;
        this.byApp = byApp;
        this.countersByApp = countersByApp;
        this.threadsByApp = threadsByApp;
        this.input = input;
    }

    /**
     * The same report with each speedup's band over the profile's family ({@code projection} holds
     * every member's projection of the same input) and the warning of an ISA mismatch the user
     * allowed (null: none).
     */
    public ProjectReport withBands(FamilyProjection projection, String isaMismatchWarning) {
        this.bands = projection;
        this.isaWarning = isaMismatchWarning;
        return this;
    }

    /** The range of {@code figure} over the profile's family (the central figure alone without one). */
    private FamilyProjection.Band band(String app, java.util.function.ToDoubleFunction<ProjectionAccumulator> figure) {
        if (bands == null) {
            double v = figure.applyAsDouble(byApp.get(app));
            return new FamilyProjection.Band(v, v);
        }
        return bands.band(app, figure);
    }

    private static String bandText(FamilyProjection.Band band) {
        return String.format(Locale.ROOT, "%.3f-%.3f", band.low(), band.high());
    }

    private static void putBand(ObjectNode node, String field, FamilyProjection.Band band) {
        node.putObject(field).put("low", band.low()).put("high", band.high());
    }

    private int familySize() {
        return bands == null ? 1 : bands.family().allProfiles().size();
    }

    public void printText(PrintWriter out) {
        out.printf("profile %s: %s%n", profile.name(), profile.description());
        out.printf("  domain: %s%n", profile.domain().describe());
        if (familySize() > 1) {
            out.printf("  band: the range over the profile and its %d family member(s): %s%n", familySize() - 1,
                    bands.family().description());
        }
        if (isaWarning != null) {
            out.printf("  WARNING: %s%n", isaWarning);
        }
        for (SmtConfiguration c : configurations) {
            out.printf("  %s; handoff %s%n", c.describe(), micros(profile.handoffNs(c.name())));
        }
        out.printf("input: %d file(s), %d lines, %d events, %d refused line(s)%s%n", input.files().size(),
                input.lines(), input.events(), input.refused(),
                input.refusedByReason().isEmpty() ? "" : " " + input.refusedByReason());
        for (String example : input.refusedExamples()) {
            out.printf("  first %s%n", example.length() > 150 ? example.substring(0, 150) + "..." : example);
        }
        if (byApp.isEmpty()) {
            out.println("no vCPU events: nothing to project");
        }
        byApp.forEach((app, acc) -> printApp(out, app, acc));
        out.flush();
    }

    private void printApp(PrintWriter out, String app, ProjectionAccumulator acc) {
        var total = acc.total();
        out.println();
        out.printf("app %s: %d vCPU thread(s), guest %s (L1 %s, L2 %s), idle waiting %s%n", app,
                threadsByApp.getOrDefault(app, 0), millis(total.guestNs()), millis(total.guestL1Ns()),
                millis(total.guestL2Ns()), millis(total.waitNs()));
        StringBuilder episodes = new StringBuilder();
        for (EpisodeType type : EpisodeType.values()) {
            episodes.append(episodes.isEmpty() ? "" : ", ").append(type).append(' ').append(acc.episodes().episodes(type));
        }
        out.printf("  episodes: %s; incomplete %d%s, unmodelled %s%n", episodes, acc.episodes().incomplete(),
                acc.episodes().incomplete() == 0 ? "" : " " + acc.episodes().incompleteByReason(),
                millis(acc.unmodelledNs()));
        out.printf("  exits: L2 %d, L1 %d; exit multiplication %s%n", acc.exits(Level.L2), acc.exits(Level.L1),
                acc.exits(Level.L2) == 0 ? "n/a (no L2 exit)"
                        : String.format(Locale.ROOT, "%.2f L0 exits per L2 exit", acc.exitMultiplication()));
        TrackerCounters counters = countersByApp.get(app);
        if (counters != null && counters.levelMismatches() > 0) {
            out.printf("  level mismatches: %d (an exit's level differed from the level believed running)%n",
                    counters.levelMismatches());
        }
        if (acc.shorterThanModelled() > 0) {
            out.printf("  %d episode(s) shorter than the switch costs the profile gives them (scaled)%n",
                    acc.shorterThanModelled());
        }
        if (acc.guestShorterThanModelled() > 0) {
            out.printf("  %d guest interval(s) shorter than the switch parts the profile puts outside the exit->entry"
                    + " window (a profile of another CPU, or timestamps too coarse to show them)%n", acc.guestShorterThanModelled());
        }
        out.println(unexplainedWaitLine(total.unexplainedWaitShare()));
        if (!acc.blocks().enoughData()) {
            out.printf("  not enough data for an interval: %d complete episode(s) in %d ms block(s); need %d in %d%n",
                    acc.blocks().episodes(), acc.blocks().blocksWithEpisodes(), TimeBlocks.MIN_EPISODES,
                    TimeBlocks.MIN_BLOCKS);
        }
        out.printf("  %-16s %-26s %-13s %-20s %-13s %8s %18s %18s %14s%n", "configuration", "wall-clock [95% CI]",
                "family band", "CPU-time [95% CI]", "family band", "contexts", "baseline handling", "projected", "saved");
        for (SmtConfiguration c : configurations) {
            int i = acc.indexOf(c.name());
            out.printf("  %-16s %-26s %-13s %-20s %-13s %8d %18s %18s %14s%n", c.name(),
                    SpeedupFigure.format(acc.wallClockSpeedup(c.name()), acc.wallClockInterval(c.name())),
                    bandText(band(app, a -> a.wallClockSpeedup(c.name()))),
                    SpeedupFigure.format(acc.cpuTimeSpeedup(c.name()), acc.cpuTimeInterval(c.name())),
                    bandText(band(app, a -> a.cpuTimeSpeedup(c.name()))), c.contexts(),
                    millis(total.baselineNs()), millis(total.projectedNs(i)),
                    millis(total.baselineNs() - total.projectedNs(i)));
        }
        out.printf("  contexts: SMT hardware contexts one vCPU stack occupies (its capacity cost: a baseline core"
                + " runs 2 vCPUs on 2-way SMT); cache/TLB pollution and sibling contention are not modelled%n");
        for (SmtConfiguration c : configurations) {
            if (c.name().equals(SmtConfiguration.BASELINE.name())) {
                continue;
            }
            List<ReasonSummary> top = acc.reasonsBySaving(c.name()).stream().limit(TOP_REASONS).toList();
            if (top.isEmpty()) {
                continue;
            }
            out.printf("  reasons saving most on %s:%n", c.name());
            for (ReasonSummary r : top) {
                out.printf("    %-22s %-20s %8d episodes  saves %12s  p50 %s -> %s  p99 %s -> %s%n", r.type(),
                        r.reason(), r.episodes(), millis(r.savedNs()), micros(r.p50BaselineNs()),
                        micros(r.p50ProjectedNs()), micros(r.p99BaselineNs()), micros(r.p99ProjectedNs()));
            }
        }
    }

    public ObjectNode toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode p = root.putObject("profile");
        p.put("name", profile.name());
        p.put("description", profile.description());
        p.put("clockGhz", profile.clockGhz());
        ObjectNode domain = p.putObject("domain");
        domain.put("isa", profile.domain().isa().name());
        domain.put("cpu", profile.domain().cpu());
        domain.put("kernel", profile.domain().kernel());
        p.put("familyMembers", familySize() - 1);
        if (isaWarning != null) {
            p.put("isaMismatch", isaWarning);
        }
        ObjectNode switches = p.putObject("contextSwitchNs");
        profile.contextSwitchNs().forEach((kind, ns) -> switches.put(kind.name(), ns));
        ObjectNode nested = p.putObject("nestedTransitionNs");
        profile.nestedTransitionNs().forEach((kind, ns) -> nested.put(kind.name(), ns));
        ObjectNode outside = p.putObject("outsideWindowNs");
        profile.outsideWindowNs().forEach((kind, ns) -> outside.put(kind.name(), ns));
        p.put("lazyStatePerReflectedExitNs", profile.lazyStatePerReflectedExitNs());
        ObjectNode sources = p.putObject("sources");
        profile.sources().forEach(sources::put);
        ObjectNode kinds = p.putObject("kinds");
        profile.provenance().forEach((key, provenance) -> kinds.put(key, provenance.kind().word()));
        ArrayNode configs = root.putArray("configurations");
        for (SmtConfiguration c : configurations) {
            ObjectNode n = configs.addObject();
            n.put("name", c.name());
            n.put("contexts", c.contexts());
            ObjectNode partition = n.putObject("partition");
            c.partition().forEach((level, context) -> partition.put(level.name(), context));
            n.put("l0OnEveryContext", c.l0OnEveryContext());
            n.put("handoffNs", profile.handoffNs(c.name()));
        }
        ObjectNode in = root.putObject("input");
        ArrayNode files = in.putArray("files");
        input.files().forEach(files::add);
        in.put("lines", input.lines());
        in.put("events", input.events());
        in.put("refused", input.refused());
        ObjectNode refused = in.putObject("refusedByReason");
        input.refusedByReason().forEach(refused::put);
        ArrayNode examples = in.putArray("refusedExamples");
        input.refusedExamples().forEach(examples::add);
        if (input.rejectsFile() != null) {
            in.put("rejectsFile", input.rejectsFile());
        }
        ArrayNode apps = root.putArray("apps");
        byApp.forEach((app, acc) -> apps.add(appJson(mapper, app, acc)));
        return root;
    }

    private ObjectNode appJson(ObjectMapper mapper, String app, ProjectionAccumulator acc) {
        var total = acc.total();
        ObjectNode n = mapper.createObjectNode();
        n.put("app", app);
        n.put("vcpuThreads", threadsByApp.getOrDefault(app, 0));
        n.put("guestNs", total.guestNs());
        n.put("guestL1Ns", total.guestL1Ns());
        n.put("guestL2Ns", total.guestL2Ns());
        n.put("idleWaitNs", total.waitNs());
        n.put("unexplainedWaitNs", total.unexplainedWaitNs());
        n.put("unexplainedWaitShare", total.unexplainedWaitShare());
        n.put("wallNs", total.wallNs());
        n.put("intervalEpisodes", acc.blocks().episodes());
        n.put("intervalBlocks", acc.blocks().blocksWithEpisodes());
        n.put("guestShorterThanModelled", acc.guestShorterThanModelled());
        ObjectNode episodes = n.putObject("episodes");
        for (EpisodeType type : EpisodeType.values()) {
            episodes.put(type.name(), acc.episodes().episodes(type));
        }
        ObjectNode incomplete = n.putObject("incompleteByReason");
        for (Map.Entry<IncompleteReason, Long> e : acc.episodes().incompleteByReason().entrySet()) {
            incomplete.put(e.getKey().name(), e.getValue());
        }
        n.put("unmodelledNs", acc.unmodelledNs());
        n.put("shorterThanModelled", acc.shorterThanModelled());
        ObjectNode exits = n.putObject("exits");
        exits.put("L1", acc.exits(Level.L1));
        exits.put("L2", acc.exits(Level.L2));
        n.put("exitMultiplication", acc.exitMultiplication());
        TrackerCounters counters = countersByApp.get(app);
        n.put("levelMismatches", counters == null ? 0 : counters.levelMismatches());
        ArrayNode configs = n.putArray("configurations");
        for (SmtConfiguration c : configurations) {
            int i = acc.indexOf(c.name());
            ObjectNode cn = configs.addObject();
            cn.put("name", c.name());
            cn.put("wallClockSpeedup", acc.wallClockSpeedup(c.name()));
            putInterval(cn, "wallClockInterval", acc.wallClockInterval(c.name()));
            putBand(cn, "wallClockBand", band(app, a -> a.wallClockSpeedup(c.name())));
            cn.put("cpuTimeSpeedup", acc.cpuTimeSpeedup(c.name()));
            putInterval(cn, "cpuTimeInterval", acc.cpuTimeInterval(c.name()));
            putBand(cn, "cpuTimeBand", band(app, a -> a.cpuTimeSpeedup(c.name())));
            cn.put("contexts", c.contexts());
            cn.put("projectedWaitNs", total.projectedWaitNs(i));
            cn.put("baselineNs", total.baselineNs());
            cn.put("projectedNs", total.projectedNs(i));
            ObjectNode byLevel = cn.putObject("byLevel");
            for (Level level : List.of(Level.L1, Level.L2)) {
                ObjectNode l = byLevel.putObject(level.name());
                l.put("baselineNs", acc.baselineNs(level));
                l.put("projectedNs", acc.projectedNs(level, c.name()));
            }
            ArrayNode reasons = cn.putArray("reasons");
            for (ReasonSummary r : acc.reasonsBySaving(c.name())) {
                ObjectNode rn = reasons.addObject();
                rn.put("type", r.type().name());
                rn.put("reason", r.reason());
                rn.put("episodes", r.episodes());
                rn.put("trapsIntoL0", r.trapsIntoL0());
                rn.put("baselineNs", r.baselineNs());
                rn.put("projectedNs", r.projectedNs());
                rn.put("savedNs", r.savedNs());
                rn.put("p50BaselineNs", r.p50BaselineNs());
                rn.put("p50ProjectedNs", r.p50ProjectedNs());
                rn.put("p99BaselineNs", r.p99BaselineNs());
                rn.put("p99ProjectedNs", r.p99ProjectedNs());
            }
        }
        return n;
    }

    public void printJson(PrintWriter out) {
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** {"low": x, "high": y}, or null with "notEnoughData": true beside it. */
    private static void putInterval(ObjectNode n, String field, TimeBlocks.Interval interval) {
        if (interval == null) {
            n.putNull(field);
        } else {
            ObjectNode i = n.putObject(field);
            i.put("low", interval.low());
            i.put("high", interval.high());
        }
    }

    /**
     * The line {@code project} and {@code run} print under the table: the share the wall-clock
     * figure is a lower bound by (none when every wait had a traced cause, or there was no wait).
     */
    static String unexplainedWaitLine(double share) {
        String line = "  waiting with no visible cause: " + percent(share) + " of wall time";
        return share > 0 ? line + ", held fixed (wall-clock speedups are lower bounds)" : line;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }

    private static String millis(long ns) {
        return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
    }

    private static String micros(long ns) {
        return String.format(Locale.ROOT, "%.3f us", ns / 1e3); // ns: the resolution of ns traces
    }
}
