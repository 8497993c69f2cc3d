package io.smtreplay.projection;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.episode.Level;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.smt.CoreModel;
import io.smtreplay.smt.SmtConfiguration;

import java.io.Serializable;
import java.util.List;

/**
 * Evaluates every configuration at once: records each episode's baseline busy time and its
 * projection on each configuration into a {@link ProjectionAccumulator}. Stateless apart from
 * the precomputed models, so one instance serves any number of accumulators (and threads).
 */
public final class Projector implements Serializable {

    private static final long serialVersionUID = 1L;

    private final CostProfile profile;
    private final List<SmtConfiguration> configurations;
    private final CoreModel[] models;
    private final CoreModel baseline;
    private final List<String> names;

    public Projector(List<SmtConfiguration> configurations, CostProfile profile) {
        if (configurations.isEmpty()) {
            throw new IllegalArgumentException("at least one configuration");
        }
        this.profile = profile;
        this.configurations = List.copyOf(configurations);
        this.models = configurations.stream().map(c -> new CoreModel(c, profile)).toArray(CoreModel[]::new);
        this.baseline = new CoreModel(SmtConfiguration.BASELINE, profile);
        this.names = configurations.stream().map(SmtConfiguration::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("configuration names repeat: " + names);
        }
    }

    public CostProfile profile() {
        return profile;
    }

    public List<SmtConfiguration> configurations() {
        return configurations;
    }

    public ProjectionAccumulator newAccumulator() {
        return new ProjectionAccumulator(names);
    }

    public void record(Episode episode, ProjectionAccumulator into) {
        if (!episode.isComplete()) {
            into.addIncomplete(episode);
            return;
        }
        long busy = baseline.baselineBusyNs(episode);
        long baselineCost = baseline.baselineCostNs(episode);
        long[] projected = new long[models.length];
        for (int i = 0; i < models.length; i++) {
            projected[i] = CoreModel.project(busy, baselineCost, models[i].configuredCostNs(episode));
        }
        long outside = baseline.outsideWindowNs(episode);
        if (outside > 0) {
            // The opening trap's hardware part ran before kvm_exit, in the exiting level's guest
            // interval; the closing resume's after kvm_entry, in the next one: moved to the episode.
            into.addGuest(episode.thread(), episode.openingSwitch().guest(), episode.startNs(),
                    -profile.outsideWindowNs(episode.openingSwitch()));
            into.addGuest(episode.thread(), episode.closingSwitch().guest(), episode.startNs(),
                    -profile.outsideWindowNs(episode.closingSwitch()));
        }
        into.addComplete(episode, busy, projected, episode.durationNs() + outside - busy, busy < baselineCost);
    }

    /**
     * What each configuration saves on a complete episode: baseline busy time less projected (0 for
     * an incomplete one). For critical-path accounting across vCPUs ({@link TraceProjector}).
     */
    public long[] savings(Episode episode) {
        long[] saved = new long[models.length];
        if (episode.isComplete()) {
            long busy = baseline.baselineBusyNs(episode);
            long baselineCost = baseline.baselineCostNs(episode);
            for (int i = 0; i < models.length; i++) {
                saved[i] = busy - CoreModel.project(busy, baselineCost, models[i].configuredCostNs(episode));
            }
        }
        return saved;
    }

    /** The waiting of a complete episode as {@link #record} counts it (its time that is not busy). */
    public long waitNs(Episode episode) {
        return episode.durationNs() + baseline.outsideWindowNs(episode) - baseline.baselineBusyNs(episode);
    }

    /** The wait of an idle episode, caused by work that saved {@code savedNs} per configuration. */
    public void shortenWait(Episode episode, long[] savedNs, ProjectionAccumulator into) {
        into.shortenWait(episode.thread(), episode.startNs(), waitNs(episode), savedNs);
    }

    public void record(GuestInterval interval, ProjectionAccumulator into) {
        Level level = interval.level();
        long switchParts = profile.outsideWindowNs(WorldSwitch.resumeInto(level))
                + profile.outsideWindowNs(WorldSwitch.trapFrom(level));
        into.addGuest(interval.thread(), level, interval.startNs(), interval.durationNs());
        if (interval.durationNs() < switchParts) {
            into.addGuestShorterThanModelled();
        }
    }

    /** A sink that records what a tracker emits into {@code into}. */
    public EpisodeSink sinkInto(ProjectionAccumulator into) {
        return new EpisodeSink() {
            @Override
            public void episode(Episode episode) {
                record(episode, into);
            }

            @Override
            public void guestTime(GuestInterval interval) {
                record(interval, into);
            }
        };
    }
}
