package io.smtreplay.episode;

import java.io.Serializable;

/**
 * Time a vCPU spent running guest code at one level between two episodes (from an entry to
 * the next exit), so guest time can be windowed by event time like episodes.
 */
public record GuestInterval(int thread, Level level, long startNs, long endNs) implements Serializable {

    public long durationNs() {
        return endNs - startNs;
    }
}
