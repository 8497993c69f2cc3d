package io.smtreplay.episode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A sink that keeps what trackers emit, in order: for tests, tools and small offline runs. */
public final class EpisodeLog implements EpisodeSink {

    private final List<Episode> episodes = new ArrayList<>();
    private final List<GuestInterval> guestIntervals = new ArrayList<>();
    /** Episodes and guest intervals interleaved as they were emitted. */
    private final List<Object> emitted = new ArrayList<>();

    @Override
    public void episode(Episode episode) {
        episodes.add(episode);
        emitted.add(episode);
    }

    @Override
    public void guestTime(GuestInterval interval) {
        guestIntervals.add(interval);
        emitted.add(interval);
    }

    public List<Episode> episodes() {
        return Collections.unmodifiableList(episodes);
    }

    public List<GuestInterval> guestIntervals() {
        return Collections.unmodifiableList(guestIntervals);
    }

    /** Everything in emission order: each element an {@link Episode} or a {@link GuestInterval}. */
    public List<Object> emitted() {
        return Collections.unmodifiableList(emitted);
    }

    /** Replays what was kept into another sink, in the same order. */
    public void replayInto(EpisodeSink sink) {
        for (Object o : emitted) {
            if (o instanceof Episode e) {
                sink.episode(e);
            } else {
                sink.guestTime((GuestInterval) o);
            }
        }
    }
}
