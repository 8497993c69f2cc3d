package io.smtreplay.replay.function;

import io.smtreplay.replay.metrics.ReplayMetrics;
import io.smtreplay.replay.wire.ExitEventRecordDeserializer;
import io.smtreplay.replay.wire.SourceRecord;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.schemas.WireCodec;
import java.util.List;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes the events a vCPU tracker can take and sends the rest (undecodable records, events
 * without timestamp or thread) to {@link Refusals#TAG}, counting each by stage and reason.
 */
public final class SplitRefused extends ProcessFunction<SourceRecord, WireExit> {

    private static final long serialVersionUID = 1L;
    private transient ContractMetrics metrics;

    @Override
    public void open(OpenContext openContext) {
        metrics = new ContractMetrics(getRuntimeContext().getMetricGroup());
        // every reason exported from the start: a missing series is not a zero to Prometheus
        for (String reason : List.of(ExitEventRecordDeserializer.UNDECODABLE, ExitEventRecordDeserializer.NO_VALUE)) {
            metrics.counter(ReplayMetrics.RECORDS_REFUSED_TOTAL, "stage", ExitEventRecordDeserializer.STAGE, "reason", reason);
        }
        for (String reason : List.of(Refusals.NO_TIMESTAMP, Refusals.NO_THREAD)) {
            metrics.counter(ReplayMetrics.RECORDS_REFUSED_TOTAL, "stage", Refusals.STAGE_REPLAY, "reason", reason);
        }
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<WireExit> out) {
        if (!record.isExit()) {
            refuse(record.rejected, ctx);
            return;
        }
        WireExit exit = record.exit;
        if (exit.hasTimestamp() && exit.threadId >= 0) {
            out.collect(exit);
            return;
        }
        // rare: the refusal keeps the whole event, so decode it here
        ExitEvent e;
        try {
            e = exit.decode();
        } catch (WireCodec.WireFormatException undecodable) {
            refuse(ExitEventRecordDeserializer.undecodable(exit.origin(), undecodable, exit.message), ctx);
            return;
        }
        if (!exit.hasTimestamp()) {
            refuse(Refusals.of(e, Refusals.NO_TIMESTAMP, "event time needs a timestamp"), ctx);
        } else {
            refuse(Refusals.of(e, Refusals.NO_THREAD, "no vCPU thread id on the line"), ctx);
        }
    }

    private void refuse(RejectedLine refused, Context ctx) {
        metrics.counter(ReplayMetrics.RECORDS_REFUSED_TOTAL, "stage", refused.getStage(), "reason", refused.getReason()).inc();
        ctx.output(Refusals.TAG, refused);
    }
}
