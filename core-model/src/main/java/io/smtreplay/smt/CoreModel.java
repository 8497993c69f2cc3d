package io.smtreplay.smt;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;

import java.io.Serializable;

/**
 * Projects an episode's time onto one SMT configuration under one cost profile:
 * projected = observed − Σ switch costs it no longer pays + Σ handoff costs it now pays
 * (and the lazily switched state of a reflected exit, saved when L1 has its own context).
 *
 * <p>Time is the episode's <em>busy</em> time: its observed duration less the waiting inside
 * idle exits ({@link Episode#waitNs()}), but never less than the switch costs the baseline
 * pays for it (those are overhead even in an idle exit). An episode shorter than the costs the
 * profile assigns it (a profile from a faster CPU) is scaled by configured/baseline cost
 * instead, so no projection is negative; {@link #isShorterThanModelled} tells which.
 *
 * <p>Costs are precomputed per switch kind: projecting an episode is a handful of multiplies.
 */
public final class CoreModel implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final WorldSwitch[] KINDS = WorldSwitch.values();

    private final SmtConfiguration configuration;
    private final CostProfile profile;
    private final long[] baselineSwitchNs = new long[KINDS.length];
    private final long[] configuredSwitchNs = new long[KINDS.length];
    private final long lazyBaselineNs;
    private final long lazyConfiguredNs;

    public CoreModel(SmtConfiguration configuration, CostProfile profile) {
        this.configuration = configuration;
        this.profile = profile;
        long handoff = profile.handoffNs(configuration.name());
        for (WorldSwitch kind : KINDS) {
            long contextSwitch = profile.contextSwitchNs(kind);
            baselineSwitchNs[kind.ordinal()] = contextSwitch;
            configuredSwitchNs[kind.ordinal()] = configuration.isContextSwitch(kind) ? contextSwitch : handoff;
        }
        lazyBaselineNs = profile.lazyStatePerReflectedExitNs();
        lazyConfiguredNs = configuration.l1HasOwnContext() ? 0 : lazyBaselineNs;
    }

    public SmtConfiguration configuration() {
        return configuration;
    }

    public CostProfile profile() {
        return profile;
    }

    /** What one switch of this kind costs under this configuration: a context switch or a handoff. */
    public long switchCostNs(WorldSwitch kind) {
        return configuredSwitchNs[kind.ordinal()];
    }

    /** The switch costs (and lazy state) the episode pays today, on one context. */
    public long baselineCostNs(Episode e) {
        long cost = e.l2ToL0() * baselineSwitchNs[0] + e.l0ToL2() * baselineSwitchNs[1]
                + e.l0ToL1() * baselineSwitchNs[2] + e.l1ToL0() * baselineSwitchNs[3];
        return e.type() == EpisodeType.L2_EXIT_REFLECTED ? cost + lazyBaselineNs : cost;
    }

    /** The switch and handoff costs (and lazy state) the episode pays under this configuration. */
    public long configuredCostNs(Episode e) {
        long cost = e.l2ToL0() * configuredSwitchNs[0] + e.l0ToL2() * configuredSwitchNs[1]
                + e.l0ToL1() * configuredSwitchNs[2] + e.l1ToL0() * configuredSwitchNs[3];
        return e.type() == EpisodeType.L2_EXIT_REFLECTED ? cost + lazyConfiguredNs : cost;
    }

    /** The episode's busy time as observed: duration less idle waiting, at least its baseline switch costs. */
    public long baselineBusyNs(Episode e) {
        long observed = e.durationNs();
        long busy = observed - e.waitNs();
        if (e.waitNs() > 0) {
            busy = Math.max(busy, Math.min(observed, baselineCostNs(e)));
        }
        return busy;
    }

    /** The episode's busy time projected onto this configuration. */
    public long projectedNs(Episode e) {
        return project(baselineBusyNs(e), baselineCostNs(e), configuredCostNs(e));
    }

    /** True when the episode's busy time is shorter than the switch costs the profile gives it. */
    public boolean isShorterThanModelled(Episode e) {
        return baselineBusyNs(e) < baselineCostNs(e);
    }

    /**
     * Busy time {@code busy}, which paid {@code baselineCost} of switches, projected to paying
     * {@code configuredCost} instead (for callers that evaluate many configurations at once).
     */
    public static long project(long busy, long baselineCost, long configuredCost) {
        if (busy >= baselineCost) {
            return busy - baselineCost + configuredCost;
        }
        if (baselineCost == 0) {
            return busy;
        }
        return Math.round((double) busy * configuredCost / baselineCost);
    }
}
