package io.smtreplay.synth;

/**
 * One step of a vCPU's repeating cycle: with {@code probability}, the guest runs for about
 * {@code guestNs} (its own work, besides switches) and then takes the episode.
 */
public record WorkloadStep(double probability, long guestNs, EpisodeTemplate episode) {
    public WorkloadStep {
        if (probability <= 0 || probability > 1 || guestNs < 0) {
            throw new IllegalArgumentException("probability in (0,1], guest time >= 0");
        }
    }

    public static WorkloadStep always(long guestNs, EpisodeTemplate episode) {
        return new WorkloadStep(1.0, guestNs, episode);
    }

    public static WorkloadStep sometimes(double probability, long guestNs, EpisodeTemplate episode) {
        return new WorkloadStep(probability, guestNs, episode);
    }
}
