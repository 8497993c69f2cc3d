package io.smtreplay.replay.function;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** Events the replay cannot use: kept, with why, for the dead-letter topic. */
public final class Refusals {

    /** Side output of every operator that refuses records. */
    public static final OutputTag<RejectedLine> TAG = new OutputTag<>("refused", TypeInformation.of(RejectedLine.class));

    private Refusals() {
    }

    static RejectedLine of(ExitEvent e, RefusalReason reason, String detail) {
        return RejectedLine.newBuilder()
                .setHost(e.getHost())
                .setApp(e.getApp())
                .setSource(e.getSource())
                .setLineNumber(e.getLineNumber())
                .setStage(reason.stage().code())
                .setReason(reason.code())
                .setDetail(detail)
                .setLine(e.getTracepoint() + ": " + e.getPayload())
                .build();
    }
}
