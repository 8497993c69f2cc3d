package io.smtreplay.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.episode.IncompleteReason;
import io.smtreplay.trace.TraceEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The episodes the tracker makes of a lab trace, one tracker per thread, and its level mismatches. */
final class TrackedEpisodes implements EpisodeSink {

    final List<Episode> episodes = new ArrayList<>();
    long levelMismatches;

    static TrackedEpisodes of(List<TraceEvent> events) {
        TrackedEpisodes tracked = new TrackedEpisodes();
        Map<Integer, EpisodeTracker> trackers = new TreeMap<>();
        for (TraceEvent e : events) {
            trackers.computeIfAbsent(e.tid(), EpisodeTracker::new).accept(e, tracked);
        }
        for (EpisodeTracker t : trackers.values()) {
            t.finish(tracked);
            tracked.levelMismatches += t.counters().levelMismatches();
        }
        return tracked;
    }

    @Override
    public void episode(Episode episode) {
        episodes.add(episode);
    }

    @Override
    public void guestTime(GuestInterval interval) {
    }

    long count(EpisodeType type) {
        return episodes.stream().filter(e -> e.type() == type).count();
    }

    /**
     * Every episode complete except, per thread, the last one (the trace ended inside it). No exit
     * whose level contradicted the tracker.
     */
    void assertNothingUnexplained() {
        assertEquals(0, levelMismatches, "level mismatches");
        Map<Integer, Long> unfinished = new HashMap<>();
        for (Episode e : episodes) {
            if (!e.isComplete()) {
                assertEquals(IncompleteReason.TRACE_ENDED, e.incomplete(), "incomplete " + e);
                unfinished.merge(e.thread(), 1L, Long::sum);
            }
        }
        unfinished.forEach((thread, n) -> assertEquals(1L, n, "unfinished episodes of thread " + thread));
    }
}
