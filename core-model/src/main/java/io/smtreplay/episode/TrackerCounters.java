package io.smtreplay.episode;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a tracker saw: events it used or passed over, the episodes it emitted, and the anomalies
 * that did not break an episode. Mergeable, so per-vCPU counters add up per app.
 */
public final class TrackerCounters implements Serializable {

    private static final long serialVersionUID = 1L;

    private long modelEvents;
    private long otherEvents;
    private final EpisodeCounts episodes = new EpisodeCounts();
    private long levelMismatches;
    private long phantomEntries;

    void modelEvent() {
        modelEvents++;
    }

    void otherEvent() {
        otherEvents++;
    }

    void episode(Episode episode) {
        episodes.add(episode);
    }

    void levelMismatch() {
        levelMismatches++;
    }

    void phantomEntry() {
        phantomEntries++;
    }

    /**
     * Phantom entry/exit pairs of SVM kernels before the 5.8-era nSVM rework: an entry traced
     * after {@code kvm_nested_intr_vmexit} without a VMRUN, and the exit KVM preset for L1.
     */
    public long phantomEntries() {
        return phantomEntries;
    }

    /** kvm_exit, kvm_entry and the nested events: the ones the state machine reads. */
    public long modelEvents() {
        return modelEvents;
    }

    /** Other kvm/kvmmmu tracepoints (kvm_page_fault, kvm_pio…): passed over. */
    public long otherEvents() {
        return otherEvents;
    }

    /** Episodes emitted, by type and incomplete by reason. */
    public EpisodeCounts episodes() {
        return episodes;
    }

    /**
     * Exits whose level (told by {@code kvm_nested_vmexit}) differed from the level the tracker
     * believed was running: a lost nested entry, or a failed VMRESUME on an old kernel.
     */
    public long levelMismatches() {
        return levelMismatches;
    }

    public void merge(TrackerCounters other) {
        modelEvents += other.modelEvents;
        otherEvents += other.otherEvents;
        episodes.merge(other.episodes);
        levelMismatches += other.levelMismatches;
        phantomEntries += other.phantomEntries;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackerCounters c && modelEvents == c.modelEvents && otherEvents == c.otherEvents
                && episodes.equals(c.episodes) && levelMismatches == c.levelMismatches
                && phantomEntries == c.phantomEntries;
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelEvents, otherEvents, episodes, levelMismatches);
    }

    @Override
    public String toString() {
        return "events " + modelEvents + " (+" + otherEvents + " other), " + episodes
                + ", level mismatches " + levelMismatches;
    }
}
