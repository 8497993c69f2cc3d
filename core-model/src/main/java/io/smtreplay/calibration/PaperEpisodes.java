package io.smtreplay.calibration;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.projection.TraceProjector;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's microbenchmark episodes as L0 would trace them on KVM 4.18 (VMX, no
 * kvm_nested_vmenter), replayed through the real tracker and core model: the calibration
 * predicts the paper's figures from these, so what it fits is what {@code project} computes.
 *
 * <ul>
 *   <li>Table 1: one cpuid in L2, 10.40 µs, 0.05 µs of it L2's own code, reflected to L1, which
 *       makes {@code l1Traps} traps of its own (VMCS accesses) and VMRESUMEs;</li>
 *   <li>Figure 6's L1 bar: one cpuid in a single-level VM (an L1 exit handled by L0).</li>
 * </ul>
 * The timestamps inside an episode only spread its time; the model uses its total and its switches.
 */
public final class PaperEpisodes {

    /** Table 1's total: a nested cpuid, µs → ns. */
    public static final long TABLE1_NS = 10_400;
    /** Table 1 stage 0 (and Figure 6's native bar): the cpuid itself. */
    public static final long CPUID_CODE_NS = 50;
    private static final int TID = 4242;
    private static final int ITERATIONS = 10;

    private PaperEpisodes() {
    }

    /**
     * Table 1's nested cpuid, repeated, with {@code l1Traps} traps of L1 inside each; the hardware
     * parts of L2's trap and resume that {@code profile} puts outside L0's kvm_exit→kvm_entry
     * window show as L2 time, so the iteration stays 10.40 µs.
     */
    public static List<TraceEvent> table1Loop(int l1Traps, CostProfile profile) {
        long outside = profile.outsideWindowNs(WorldSwitch.L2_TO_L0) + profile.outsideWindowNs(WorldSwitch.L0_TO_L2);
        ExitReason cpuid = reason("CPUID");
        ExitReason vmwrite = reason("VMWRITE");
        List<TraceEvent> events = new ArrayList<>();
        events.add(event("kvm_entry", 0, null));
        long handling = TABLE1_NS - CPUID_CODE_NS - outside;
        int steps = 2 * l1Traps + 4; // exit, inject, entry into L1, (trap, resume) x k, VMRESUME, entry into L2
        for (int i = 0; i < ITERATIONS; i++) {
            long t = i * TABLE1_NS + CPUID_CODE_NS + outside;
            int step = 0;
            events.add(event("kvm_exit", t, cpuid));
            events.add(event("kvm_nested_vmexit", t, cpuid));
            events.add(event("kvm_nested_vmexit_inject", t + handling * ++step / steps, cpuid));
            events.add(event("kvm_entry", t + handling * ++step / steps, null));
            for (int k = 0; k < l1Traps; k++) {
                events.add(event("kvm_exit", t + handling * ++step / steps, vmwrite));
                events.add(event("kvm_entry", t + handling * ++step / steps, null));
            }
            events.add(event("kvm_exit", t + handling * ++step / steps, reason("VMRESUME")));
            events.add(event("kvm_entry", t + handling, null));
        }
        return events;
    }

    /**
     * Figure 6's L1 bar: cpuid in a single-level VM taking {@code latencyNs} per iteration, the
     * parts of L1's trap and resume outside the window (by {@code profile}) shown as L1 time.
     */
    public static List<TraceEvent> l1CpuidLoop(long latencyNs, CostProfile profile) {
        long outside = profile.outsideWindowNs(WorldSwitch.L1_TO_L0) + profile.outsideWindowNs(WorldSwitch.L0_TO_L1);
        List<TraceEvent> events = new ArrayList<>();
        events.add(event("kvm_entry", 0, null));
        for (int i = 0; i < ITERATIONS; i++) {
            long t = i * latencyNs + CPUID_CODE_NS + outside;
            events.add(event("kvm_exit", t, reason("CPUID")));
            events.add(event("kvm_entry", (i + 1) * latencyNs, null));
        }
        return events;
    }

    /** Replays {@code events} under {@code profile} on the named configurations. */
    public static ProjectionAccumulator replay(List<TraceEvent> events, CostProfile profile) {
        TraceProjector projector = new TraceProjector(new Projector(SmtConfiguration.NAMED, profile));
        events.forEach(e -> projector.accept("paper", "paper", e));
        projector.finish();
        return projector.byApp().get("paper");
    }

    /** The complete episodes the tracker reconstructs from {@code events}. */
    public static List<Episode> episodes(List<TraceEvent> events) {
        List<Episode> episodes = new ArrayList<>();
        EpisodeSink sink = new EpisodeSink() {
            @Override
            public void episode(Episode episode) {
                if (episode.isComplete()) {
                    episodes.add(episode);
                }
            }

            @Override
            public void guestTime(GuestInterval interval) {
            }
        };
        EpisodeTracker tracker = new EpisodeTracker(TID);
        events.forEach(e -> tracker.accept(e, sink));
        tracker.finish(sink);
        return episodes;
    }

    /** Per-iteration latency ratio baseline / configuration of a replayed loop. */
    public static double speedup(List<TraceEvent> events, CostProfile profile, String configuration) {
        return replay(events, profile).wallClockSpeedup(configuration);
    }

    private static ExitReason reason(String name) {
        return ExitReasons.byName(name, Isa.VMX).orElseThrow();
    }

    private static TraceEvent event(String tracepoint, long ns, ExitReason reason) {
        return TraceEvent.builder(tracepoint).timestampNs(ns).tid(TID).isa(Isa.VMX).reason(reason).build();
    }
}
