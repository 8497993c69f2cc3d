package io.smtreplay.replay.wire;

import io.smtreplay.schemas.RejectedLine;
import java.util.Objects;

/**
 * One record read from the exits topic: the exit (its bytes and routing fields), or, for bytes
 * that are not a readable {@code ExitEvent} message, the refusal that goes to the dead-letter
 * topic. Reading the routing fields in the source keeps per-partition watermarks (the rejects
 * carry no event time and never move them). A Flink POJO: public fields, no-argument constructor.
 */
public final class SourceRecord {

    /** The exit; null for a refusal. */
    public WireExit exit;
    /** Why the record was refused; null for an exit. */
    public RejectedLine rejected;

    public SourceRecord() {
    }

    public static SourceRecord of(WireExit exit) {
        SourceRecord r = new SourceRecord();
        r.exit = Objects.requireNonNull(exit, "exit");
        return r;
    }

    public static SourceRecord refused(RejectedLine rejected) {
        SourceRecord r = new SourceRecord();
        r.rejected = Objects.requireNonNull(rejected, "rejected");
        return r;
    }

    public boolean isExit() {
        return exit != null;
    }

    @Override
    public String toString() {
        return isExit() ? "exit " + exit.origin() : "refused " + rejected;
    }
}
