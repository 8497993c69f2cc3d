package io.smtreplay.episode;

/** Receives what an {@link EpisodeTracker} reconstructs, in the order of the vCPU's events. */
public interface EpisodeSink {

    void episode(Episode episode);

    void guestTime(GuestInterval interval);
}
