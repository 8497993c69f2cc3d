package io.smtreplay.validation;

import io.smtreplay.calibration.Isca19Calibration;
import io.smtreplay.calibration.LeastSquaresFit;
import io.smtreplay.calibration.PaperEpisodes;
import io.smtreplay.episode.SwitchRole;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.ProfileFamily;
import io.smtreplay.projection.FamilyProjection;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static io.smtreplay.validation.PaperFigure.Role.HELD_OUT;
import static io.smtreplay.validation.PaperFigure.Role.IN_SAMPLE;

/**
 * Every number of the paper, and the published anchors of ../shared/model/fidelity.md, beside
 * what the model projects for it. The workloads and the profile are fixed before this runs (the
 * synthesized workloads of {@link Workload}, the profile given); nothing here is tuned to a
 * held-out figure. The paper's Fig. 7 and application results are compared with the synthesized
 * workload that stands for them; where none exists, or the model lacks what the figure rests
 * on, the row says which mechanism is missing instead of a number.
 */
public final class Validation {

    private static final String ISCA = "ISCA'19";
    private static final String SW = SmtConfiguration.SVT_SW.name();
    private static final String HW = SmtConfiguration.SVT_HW.name();
    /** Synthesized trace length and vCPUs: enough episodes that a ratio's last digit is stable. */
    private static final long SYNTH_NS = 60_000_000;
    private static final int SYNTH_VCPUS = 2;
    private static final long SEED = 1;

    /** The metric every speedup is compared on: the paper reports latency and throughput ratios (wall clock). */
    static final String IO_METRIC = "wall-clock speedup (vCPU timelines; waits shrink only with a traced cause)";

    private final ProfileFamily family;
    private final CostProfile central;
    private final List<ValidationRow> rows = new ArrayList<>();

    private Validation(ProfileFamily family) {
        this.family = family;
        this.central = family.central();
    }

    /** Runs every comparison under {@code family} (a VMX profile of the paper's machine). */
    public static List<ValidationRow> run(ProfileFamily family) {
        Validation v = new Validation(family);
        v.table1();
        v.figure6();
        v.figure7();
        v.applications();
        v.anchors();
        return List.copyOf(v.rows);
    }

    /** The central profile's calibration residuals (k = 1 L1 trap in Table 1's cpuid). */
    public static LeastSquaresFit.Result calibration(ProfileFamily family) {
        return Isca19Calibration.fit(family.central(), 1);
    }

    // ---- Table 1 ----

    private void table1() {
        String t1 = ISCA + " Table 1";
        double[] s1 = over(p -> us(p.contextSwitchNs(WorldSwitch.L2_TO_L0) + p.contextSwitchNs(WorldSwitch.L0_TO_L2)));
        add(new PaperFigure("table1.stage0", t1, "stage 0: L2 code (cpuid itself)", 0.05, "us", IN_SAMPLE), Double.NaN,
                "", "handler and guest work: carried by the trace, not a profile number");
        add(new PaperFigure("table1.stage1", t1, "stage 1: switch L2<->L0", 0.81, "us", IN_SAMPLE), s1,
                "profile's L2<->L0 pair (fitted)", "");
        add(new PaperFigure("table1.stage2", t1, "stage 2: vmcs02/vmcs12 transforms", 1.29, "us", IN_SAMPLE), Double.NaN,
                "", "handler work: carried by the trace; SVt does not remove it (the model keeps it)");
        add(new PaperFigure("table1.stage3", t1, "stage 3: L0 handler", 4.89, "us", IN_SAMPLE), Double.NaN,
                "", "handler work: carried by the trace; bounds the lazy state (table1.stages3+5-bound residual)");
        double[] s4 = over(p -> us(p.switchNs(WorldSwitch.L0_TO_L1, SwitchRole.NESTED_TRANSITION)
                + p.switchNs(WorldSwitch.L1_TO_L0, SwitchRole.NESTED_TRANSITION)));
        add(new PaperFigure("table1.stage4", t1, "stage 4: switch L0<->L1", 1.40, "us", IN_SAMPLE), s4,
                "profile's nested L0<->L1 transition pair (fitted)", "");
        add(new PaperFigure("table1.stage5", t1, "stage 5: L1 handler incl. its VMCS-access traps", 1.96, "us",
                IN_SAMPLE), Double.NaN, "", "handler work: carried by the trace; bounds k (table1.stage5-bound)");
        add(new PaperFigure("table1.total", t1, "nested cpuid, total", 10.40, "us", IN_SAMPLE),
                same(us(cpuidLoopLatencyNs(true))),
                "synthesized cpuid-loop: mean baseline iteration", "");
    }

    // ---- Figure 6 ----

    private void figure6() {
        String f6 = ISCA + " Fig. 6";
        FamilyProjection cpuid = project(Workload.CPUID_LOOP, true);
        add(new PaperFigure("fig6.svt-hw", f6, "nested cpuid speedup, svt-hw", 1.94, "x", IN_SAMPLE),
                figure(cpuid, acc -> acc.wallClockSpeedup(HW)), "synthesized cpuid-loop, svt-hw, latency ratio", "");
        add(new PaperFigure("fig6.svt-sw", f6, "nested cpuid speedup, svt-sw", 1.23, "x", IN_SAMPLE),
                figure(cpuid, acc -> acc.wallClockSpeedup(SW)), "synthesized cpuid-loop, svt-sw, latency ratio", "");
        var l1 = PaperEpisodes.episodes(PaperEpisodes.l1CpuidLoop(600, central)).get(0);
        double[] l1Cpuid = over(p -> us(new io.smtreplay.smt.CoreModel(SmtConfiguration.BASELINE, p).baselineCostNs(l1)
                + PaperEpisodes.CPUID_CODE_NS + Isca19Calibration.ASSUMED_CPUID_HANDLER_NS));
        boolean missed = Math.abs(l1Cpuid[0] - 0.6) > 0.1;
        add(new PaperFigure("fig6.l1-cpuid", f6, "single-level cpuid latency (read off the plot)", 0.6, "us",
                IN_SAMPLE), l1Cpuid, "modelled switches of an L1 exit + 0.05 us cpuid + 0.10 us assumed handler",
                missed ? "plain L1 traps are charged a nested transition's cost (Table 1 stage 4): the mechanism "
                        + "needs a separate plain-trap cost (fidelity.md D4)" : "");
    }

    // ---- Figure 7 ----

    private void figure7() {
        String f7 = ISCA + " Fig. 7";
        String io = "; " + IO_METRIC;
        String bandwidth = "; back-to-back requests at depth 1 stand in for the paper's queue (the model has no queueing)";
        fig7(f7, "netperf-rr-latency", "network latency (TCP_RR 1 B, 163 us)", 1.10, 2.38, project(Workload.NETPERF_RR, true),
                "synthesized netperf-rr" + io);
        fig7(f7, "netperf-bandwidth", "network bandwidth (16 KB, 9387 Mb/s)", 1.00, 1.12, null,
                "link-bound: a CPU-time ratio cannot show a link limit; no workload");
        fig7(f7, "randread-latency", "disk random-read latency (512 B, 126 us)", 1.30, 2.18,
                project(Workload.FIO_RANDREAD, true), "synthesized fio-randread" + io);
        fig7(f7, "randread-bandwidth", "disk random-read bandwidth (4 KB, 87136 KB/s)", 1.55, 2.31,
                project(Workload.FIO_RANDREAD_BW, true), "synthesized fio-randread-bw" + io + bandwidth);
        fig7(f7, "randwrite-latency", "disk random-write latency (179 us)", 1.05, 2.26,
                project(Workload.FIO_RANDWRITE, true), "synthesized fio-randwrite" + io);
        fig7(f7, "randwrite-bandwidth", "disk random-write bandwidth (55769 KB/s)", 1.18, 2.60,
                project(Workload.FIO_RANDWRITE_BW, true), "synthesized fio-randwrite-bw" + io + bandwidth);
    }

    private void fig7(String source, String id, String what, double sw, double hw, FamilyProjection projection,
                      String howOrMissing) {
        for (String config : List.of(SW, HW)) {
            PaperFigure f = new PaperFigure("fig7." + id + "." + config, source, what + ", " + config,
                    config.equals(SW) ? sw : hw, "x", HELD_OUT);
            if (projection == null) {
                add(f, Double.NaN, "", howOrMissing);
            } else {
                double[] v = figure(projection, acc -> acc.wallClockSpeedup(config));
                add(f, v, howOrMissing, missingForIo(v[0], f.value()));
            }
        }
    }

    /**
     * What a held-out I/O miss rests on, now that every wait of the synthesized I/O has its traced
     * cause (the wake-up chain through L1's I/O vCPU and L0's backend); empty when within 10 %.
     */
    private static String missingForIo(double projected, double paper) {
        if (Math.abs(projected / paper - 1) <= 0.10) {
            return "";
        }
        return "the model saves only switch costs on the traced path and follows a wait's cause one level, from "
                + "when the wait began; missing: exits that disappear under SVt (L1's work overlapping L2 on the "
                + "sibling instead of trapping), the part of the chain before the wait began, queueing, and a "
                + "per-request latency metric (the wall-clock figure sums every vCPU's timeline, the I/O vCPU's too)";
    }

    // ---- applications ----

    private void applications() {
        FamilyProjection memcached = project(Workload.MEMCACHED, true);
        String apps = ISCA + " applications";
        add(new PaperFigure("app.memcached-qps-sla.svt-sw", apps, "memcached ETC QPS within 500 us SLA (99th pct)",
                2.20, "x", HELD_OUT), figure(memcached, acc -> acc.wallClockSpeedup(SW)),
                "synthesized memcached, svt-sw; " + IO_METRIC,
                "throughput within an SLA is a queueing non-linearity (latency near saturation); the model has no "
                        + "queueing");
        add(new PaperFigure("app.memcached-mean-latency.svt-sw", apps, "memcached mean latency", 1.43, "x", HELD_OUT),
                figure(memcached, acc -> acc.wallClockSpeedup(SW)), "synthesized memcached, svt-sw; " + IO_METRIC,
                missingForIo(figure(memcached, acc -> acc.wallClockSpeedup(SW))[0], 1.43));
        add(new PaperFigure("app.tpcc.svt-sw", apps, "TPC-C on PostgreSQL (6.37 Ktpm)", 1.18, "x", HELD_OUT),
                Double.NaN, "", "no TPC-C workload");
    }

    // ---- anchors of fidelity.md ----

    private void anchors() {
        var l1 = PaperEpisodes.episodes(PaperEpisodes.l1CpuidLoop(600, central)).get(0);
        ToDoubleFunction<CostProfile> plainRoundTrip = p ->
                new io.smtreplay.smt.CoreModel(SmtConfiguration.BASELINE, p).baselineCostNs(l1);
        add(new PaperFigure("anchor.abstract-io-latency", ISCA + " abstract", "up to 2.3x better I/O latency (svt-hw)",
                2.3, "x", HELD_OUT), maxOf("fig7.netperf-rr-latency.svt-hw", "fig7.randread-latency.svt-hw"),
                "the larger of the two Fig. 7 latency projections", "see the Fig. 7 rows");
        add(new PaperFigure("anchor.splitx-direct-exit", "SplitX (Xeon X5570, KVM 2.6.34)",
                "direct cost of a single-level exit round trip", 2_000, "cycles", HELD_OUT),
                over(p -> plainRoundTrip.applyAsDouble(p) * p.clockGhz()),
                "profile's L1 exit round trip in its own cycles (another CPU: order of magnitude)", "");
        add(new PaperFigure("anchor.hyperturtle-l1-cpuid", "HyperTurtle ATC'25 (Xeon Silver 4216)",
                "L0 handling of a cpuid from L1", 0.78, "us", HELD_OUT),
                over(p -> us(plainRoundTrip.applyAsDouble(p) + Isca19Calibration.ASSUMED_CPUID_HANDLER_NS)),
                "L1 exit round trip + 0.10 us assumed handler (another CPU)", "");
        add(new PaperFigure("anchor.hyperturtle-l1-vmwrite", "HyperTurtle ATC'25 (Xeon Silver 4216)",
                "L1's trapped vmwrite", 1.1, "us", HELD_OUT),
                over(p -> us(plainRoundTrip.applyAsDouble(p) + Isca19Calibration.ASSUMED_VMCS_ACCESS_HANDLER_NS)),
                "L1 exit round trip + 0.30 us assumed VMCS-access handler (another CPU)", "");
        add(new PaperFigure("anchor.janus-l2-l1-round-trip", "Janus OSDI'26 (Xeon 8475B)",
                "nested L2<->L1 world switch round trip", 16_000, "cycles", HELD_OUT),
                over(p -> (p.contextSwitchNs(WorldSwitch.L2_TO_L0) + p.contextSwitchNs(WorldSwitch.L0_TO_L2)
                        + p.switchNs(WorldSwitch.L0_TO_L1, SwitchRole.NESTED_TRANSITION)
                        + p.switchNs(WorldSwitch.L1_TO_L0, SwitchRole.NESTED_TRANSITION)
                        + p.lazyStatePerReflectedExitNs() + 1_290) * p.clockGhz()),
                "L2<->L0 pair + nested L0<->L1 pair + lazy state + Table 1's 1.29 us transforms, in the profile's "
                        + "cycles", "");
        double shadowed = cpuidLoopLatencyNs(true);
        double unshadowed = cpuidLoopLatencyNs(false);
        add(new PaperFigure("anchor.hyperv-evmcs-cpuid", "KVM on Hyper-V, enlightened VMCS",
                "cpuid loop without / with VMCS shadowing (18890 / 8304 cycles)", 18_890.0 / 8_304, "x", HELD_OUT),
                same(unshadowed / shadowed),
                "synthesized cpuid-loop --no-shadow-vmcs over cpuid-loop, baseline latency (6 VMREADs + 2 VMWRITEs "
                        + "per reflection, haxm#130)", "");
        add(new PaperFigure("anchor.c1-hsw-exit-latency", "Linux intel_idle C1-HSW",
                "declared C1 exit latency: an upper bound for an mwait handoff", 2.0, "us", HELD_OUT),
                over(p -> us(p.handoffNs(SW))), "profile's svt-sw handoff (must not exceed the bound)", "");
        add(new PaperFigure("anchor.splitx-indirect", "SplitX", "indirect (cache/TLB) cost, up to x the direct cost",
                10, "x", HELD_OUT), Double.NaN, "",
                "indirect cache/TLB costs are not modelled; SVt keeps one core, so most would remain");
    }

    // ---- helpers ----

    private FamilyProjection project(Workload workload, boolean shadowVmcs) {
        SynthSpec spec = new SynthSpec(workload, TraceFormat.FTRACE, KernelEra.V4_18, Isa.VMX, SYNTH_VCPUS,
                SYNTH_NS, SEED, null, shadowVmcs);
        FamilyProjection projection = new FamilyProjection(family, SmtConfiguration.NAMED);
        new TraceSynthesizer(spec, central).emit(e -> projection.input().accept(spec.appLabel(), "validate", e));
        projection.input().finish();
        return projection;
    }

    /** Mean baseline latency of one cpuid iteration (guest code + episode) of a synthesized loop. */
    private double cpuidLoopLatencyNs(boolean shadowVmcs) {
        FamilyProjection p = project(Workload.CPUID_LOOP, shadowVmcs);
        ProjectionAccumulator acc = p.central().byApp().values().iterator().next();
        return (double) (acc.total().guestNs() + acc.total().baselineNs()) / acc.total().episodes();
    }

    private static double[] figure(FamilyProjection projection, ToDoubleFunction<ProjectionAccumulator> metric) {
        String app = projection.central().byApp().keySet().iterator().next();
        FamilyProjection.Band band = projection.band(app, metric);
        return new double[] {metric.applyAsDouble(projection.central().byApp().get(app)), band.low(), band.high()};
    }

    /** Central, low and high of a profile figure over the family. */
    private double[] over(ToDoubleFunction<CostProfile> figure) {
        double c = figure.applyAsDouble(central);
        double low = c;
        double high = c;
        for (ProfileFamily.Member m : family.members()) {
            double v = figure.applyAsDouble(m.profile());
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        return new double[] {c, low, high};
    }

    private double[] maxOf(String... ids) {
        double[] best = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (ValidationRow r : rows) {
            for (String id : ids) {
                if (r.figure().id().equals(id)) {
                    best = new double[] {Math.max(best[0], r.projected()), Math.max(best[1], r.low()),
                        Math.max(best[2], r.high())};
                }
            }
        }
        return best;
    }

    /** A figure the family does not move (it depends on the synthesized trace only). */
    private static double[] same(double v) {
        return new double[] {v, v, v};
    }

    private static double us(double ns) {
        return ns / 1_000;
    }

    private void add(PaperFigure f, double[] centralLowHigh, String how, String missing) {
        rows.add(new ValidationRow(f, centralLowHigh[0], centralLowHigh[1], centralLowHigh[2], how, missing));
    }

    private void add(PaperFigure f, double nothing, String how, String missing) {
        rows.add(new ValidationRow(f, nothing, Double.NaN, Double.NaN, how, missing));
    }
}
