package io.smtreplay.episode;

import java.io.Serializable;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/** Episodes by type and incomplete episodes by reason; mergeable. */
public final class EpisodeCounts implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long[] byType = new long[EpisodeType.values().length];
    private final long[] incompleteByReason = new long[IncompleteReason.values().length];

    public void add(Episode episode) {
        byType[episode.type().ordinal()]++;
        if (episode.incomplete() != null) {
            incompleteByReason[episode.incomplete().ordinal()]++;
        }
    }

    /** Episodes of a type, complete or not. */
    public long episodes(EpisodeType type) {
        return byType[type.ordinal()];
    }

    public long episodes() {
        return Arrays.stream(byType).sum();
    }

    public long incomplete(IncompleteReason reason) {
        return incompleteByReason[reason.ordinal()];
    }

    public long incomplete() {
        return Arrays.stream(incompleteByReason).sum();
    }

    /** Incomplete episodes by reason, only the reasons that occurred. */
    public Map<IncompleteReason, Long> incompleteByReason() {
        Map<IncompleteReason, Long> map = new EnumMap<>(IncompleteReason.class);
        for (IncompleteReason reason : IncompleteReason.values()) {
            if (incompleteByReason[reason.ordinal()] != 0) {
                map.put(reason, incompleteByReason[reason.ordinal()]);
            }
        }
        return map;
    }

    public void merge(EpisodeCounts other) {
        for (int i = 0; i < byType.length; i++) {
            byType[i] += other.byType[i];
        }
        for (int i = 0; i < incompleteByReason.length; i++) {
            incompleteByReason[i] += other.incompleteByReason[i];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpisodeCounts c && Arrays.equals(byType, c.byType)
                && Arrays.equals(incompleteByReason, c.incompleteByReason);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(byType) * 31 + Arrays.hashCode(incompleteByReason);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (EpisodeType type : EpisodeType.values()) {
            s.append(s.isEmpty() ? "" : ", ").append(type).append(' ').append(episodes(type));
        }
        return s.append(", incomplete ").append(incompleteByReason()).toString();
    }
}
