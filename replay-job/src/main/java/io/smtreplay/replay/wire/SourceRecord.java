package io.smtreplay.replay.wire;

import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import java.util.Objects;

/**
 * One record read from the exits topic: the decoded event, or, for bytes that are not a
 * decodable {@link ExitEvent}, the refusal that goes to the dead-letter topic. Decoding in the
 * source keeps per-partition watermarks (the rejects carry no event time and never move them).
 * A Flink POJO: public fields, no-argument constructor.
 */
public final class SourceRecord {

    /** The decoded event; null for a refusal. */
    public ExitEvent event;
    /** Why the record was refused; null for an event. */
    public RejectedLine rejected;

    public SourceRecord() {
    }

    public static SourceRecord of(ExitEvent event) {
        SourceRecord r = new SourceRecord();
        r.event = Objects.requireNonNull(event, "event");
        return r;
    }

    public static SourceRecord refused(RejectedLine rejected) {
        SourceRecord r = new SourceRecord();
        r.rejected = Objects.requireNonNull(rejected, "rejected");
        return r;
    }

    public boolean isEvent() {
        return event != null;
    }

    @Override
    public String toString() {
        return isEvent() ? "event " + event : "refused " + rejected;
    }
}
