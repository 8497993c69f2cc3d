package io.smtreplay.replay.function;

import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** Events the replay cannot use: kept, with why, for the dead-letter topic. */
public final class Refusals {

    public static final String STAGE_REPLAY = "replay";
    /** The event has no timestamp: event time cannot place it. */
    public static final String NO_TIMESTAMP = "no-timestamp";
    /** The event has no vCPU thread: no tracker can take it. */
    public static final String NO_THREAD = "no-thread";
    /** The event arrived behind the watermark: later than the out-of-orderness bound allows. */
    public static final String LATE = "late";

    /** Side output of every operator that refuses records. */
    public static final OutputTag<RejectedLine> TAG = new OutputTag<>("refused", TypeInformation.of(RejectedLine.class));

    private Refusals() {
    }

    static RejectedLine of(ExitEvent e, String reason, String detail) {
        return RejectedLine.newBuilder()
                .setHost(e.getHost())
                .setApp(e.getApp())
                .setSource(e.getSource())
                .setLineNumber(e.getLineNumber())
                .setStage(STAGE_REPLAY)
                .setReason(reason)
                .setDetail(detail)
                .setLine(e.getTracepoint() + ": " + e.getPayload())
                .build();
    }
}
