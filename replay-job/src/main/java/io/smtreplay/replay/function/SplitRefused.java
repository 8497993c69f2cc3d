package io.smtreplay.replay.function;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.replay.wire.ExitEventRecordDeserializer;
import io.smtreplay.replay.wire.SourceRecord;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes the events a vCPU tracker can take and sends the rest (undecodable records, events
 * without timestamp or thread) to {@link Refusals#TAG}, counting each by stage and reason.
 */
public final class SplitRefused extends ProcessFunction<SourceRecord, WireExit> {

    private static final long serialVersionUID = 1L;
    private transient Refuser refuser;

    @Override
    public void open(OpenContext openContext) {
        refuser = new Refuser(getRuntimeContext())
                .exportedFromStart(RefusalReason.UNDECODABLE, RefusalReason.NO_VALUE,
                        RefusalReason.NO_TIMESTAMP, RefusalReason.NO_THREAD);
    }

    @Override
    public void processElement(SourceRecord record, Context ctx, Collector<WireExit> out) {
        WireExit exit = record.exit;
        if (exit != null && exit.hasTimestamp() && exit.threadId >= 0) {
            out.collect(exit);
            return;
        }
        Consumer<RejectedLine> refused = r -> ctx.output(Refusals.TAG, r);
        if (exit == null) {
            refuser.refuse(record.rejected, refused);
            return;
        }
        // rare: the refusal keeps the whole event, so decode it here (each of a batch's)
        List<ExitEvent> events = refuser.decodeEventsOrRefuse(exit, refused);
        if (events == null) {
            return;
        }
        for (ExitEvent e : events) {
            if (!exit.hasTimestamp()) {
                refuser.refuse(Refusals.of(e, RefusalReason.NO_TIMESTAMP, "event time needs a timestamp"), refused);
            } else {
                refuser.refuse(Refusals.of(e, RefusalReason.NO_THREAD, "no vCPU thread id on the line"), refused);
            }
        }
    }
}
