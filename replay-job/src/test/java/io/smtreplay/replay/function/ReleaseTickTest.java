package io.smtreplay.replay.function;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A window's end must be a release tick's end, or events would be released after their window was emitted. */
class ReleaseTickTest {

    @Test
    void theTickIsTheLargestCandidateThatDividesTheWindow() {
        assertEquals(100_000, HostReplayFunction.releaseTick(10_000_000_000L)); // the default 10 s window
        assertEquals(100_000, HostReplayFunction.releaseTick(20_000_000L));     // run's 20 ms demo window
        assertEquals(1_000, HostReplayFunction.releaseTick(1_234_000));         // 1.234 ms: not a multiple of 100 µs
        assertEquals(1, HostReplayFunction.releaseTick(1_000_001));             // only 1 ns divides it
    }

    @Test
    void everyTickedWindowEndsOnATickEnd() {
        for (long window : new long[] {10_000_000_000L, 1_234_000, 1_000_001, 7}) {
            long tick = HostReplayFunction.releaseTick(window);
            assertEquals(0, window % tick, "window " + window + " tick " + tick);
        }
    }
}
