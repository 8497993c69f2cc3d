package io.smtreplay.smt;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.SwitchRole;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;

import java.io.Serializable;

/**
 * Projects an episode's time onto one SMT configuration under one cost profile:
 * projected = busy − Σ switch costs it no longer pays + Σ costs it now pays (handoffs, and the
 * switches that stay), and the lazily switched state of a reflected exit, saved when L1 has its
 * own context. Each switch is priced by its kind and {@link SwitchRole role}, as the
 * configuration {@link SmtConfiguration#realize realizes} it.
 *
 * <p>Time is the episode's <em>busy</em> time: its observed duration, plus the part of its opening
 * trap and closing resume that lies outside the {@code kvm_exit}→{@code kvm_entry} window
 * ({@link CostProfile#outsideWindowNs}: the trace shows it as guest time, and the projection takes
 * it from there, see {@code Projector}), less the waiting inside idle exits ({@link Episode#waitNs()}),
 * but never less than the switch costs the baseline pays for it (those are overhead even in an idle
 * exit). An episode still shorter than the costs the profile assigns it (a profile from a faster
 * CPU) is scaled by configured/baseline cost instead, so no projection is negative;
 * {@link #isShorterThanModelled} tells which.
 *
 * <p>Costs are precomputed per switch kind and role, driven by the {@link WorldSwitch} and
 * {@link SwitchRole} values themselves (no positions): projecting an episode is a handful of multiplies.
 */
public final class CoreModel implements Serializable {

    private static final long serialVersionUID = 2L;

    private final SmtConfiguration configuration;
    private final CostProfile profile;
    private static final WorldSwitch[] KINDS = WorldSwitch.values();
    private static final SwitchRole[] ROLES = SwitchRole.values();

    /** Price of one switch, [kind.ordinal()][role.ordinal()], today and under the configuration. */
    private final long[][] baselineSwitchNs = new long[KINDS.length][ROLES.length];
    private final long[][] configuredSwitchNs = new long[KINDS.length][ROLES.length];
    private final long lazyBaselineNs;
    private final long lazyConfiguredNs;

    public CoreModel(SmtConfiguration configuration, CostProfile profile) {
        this.configuration = configuration;
        this.profile = profile;
        long handoff = profile.handoffNs(configuration.name());
        for (WorldSwitch kind : KINDS) {
            for (SwitchRole role : ROLES) {
                baselineSwitchNs[kind.ordinal()][role.ordinal()] = profile.switchNs(kind, role);
                SmtConfiguration.Realization how = configuration.realize(kind, role);
                long cost = how.contextSwitch() == null ? 0 : profile.switchNs(kind, how.contextSwitch());
                configuredSwitchNs[kind.ordinal()][role.ordinal()] = how.handoff() ? cost + handoff : cost;
            }
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

    /** What one switch of this kind and role costs under this configuration. */
    public long switchCostNs(WorldSwitch kind, SwitchRole role) {
        return configuredSwitchNs[kind.ordinal()][role.ordinal()];
    }

    /** What one plain switch of this kind costs under this configuration: a context switch or a handoff. */
    public long switchCostNs(WorldSwitch kind) {
        return switchCostNs(kind, SwitchRole.PLAIN);
    }

    /** The switch costs (and lazy state) the episode pays today, on one context. */
    public long baselineCostNs(Episode e) {
        return cost(e, baselineSwitchNs, lazyBaselineNs);
    }

    /** The switch and handoff costs (and lazy state) the episode pays under this configuration. */
    public long configuredCostNs(Episode e) {
        return cost(e, configuredSwitchNs, lazyConfiguredNs);
    }

    private static long cost(Episode e, long[][] prices, long lazy) {
        long cost = 0;
        for (WorldSwitch kind : KINDS) {
            for (SwitchRole role : ROLES) {
                cost += e.switches(kind, role) * prices[kind.ordinal()][role.ordinal()];
            }
        }
        return e.type() == EpisodeType.L2_EXIT_REFLECTED ? cost + lazy : cost;
    }

    /**
     * The part of the episode's opening trap and closing resume outside the exit→entry window:
     * time the trace shows as guest time that belongs to the episode (0 for an episode without time).
     */
    public long outsideWindowNs(Episode e) {
        if (!e.hasTime()) {
            return 0;
        }
        return profile.outsideWindowNs(e.openingSwitch()) + profile.outsideWindowNs(e.closingSwitch());
    }

    /**
     * The episode's busy time as observed: duration with the parts of its switches outside the
     * window, less idle waiting, at least its baseline switch costs.
     */
    public long baselineBusyNs(Episode e) {
        long observed = e.durationNs() + outsideWindowNs(e);
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
