package io.smtreplay.replay;

import java.time.Duration;

/**
 * The job's event time counts trace-clock nanoseconds, not milliseconds: trace timestamps are ns
 * and two exits can be less than a microsecond apart. Flink treats event time as an opaque long
 * but converts every {@link Duration} it is given with {@code toMillis()}; this converts ours so
 * that Flink's "milliseconds" are our nanoseconds. Wall-clock durations (idleness, checkpoint
 * intervals) are passed to Flink as they are.
 */
public final class EventTime {

    private EventTime() {
    }

    /** A span of trace time, as Flink's event-time APIs expect it. */
    public static Duration span(Duration traceTime) {
        return Duration.ofMillis(traceTime.toNanos());
    }
}
