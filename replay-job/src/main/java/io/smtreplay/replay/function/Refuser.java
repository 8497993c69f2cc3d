package io.smtreplay.replay.function;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.replay.metrics.ReplayMetrics;
import io.smtreplay.replay.wire.ExitEventRecordDeserializer;
import io.smtreplay.replay.wire.WireExit;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * How every operator of the job refuses a record: counted in {@code smtreplay_records_refused_total}
 * by the refusal's own stage and reason, and sent on (to {@link Refusals#TAG}) for the dead-letter
 * topic. Operators pass their side output as a consumer: Flink's process-function contexts share no
 * type. Each refusal is also added to the job's accumulator {@link RefusalCounts#accumulatorName}, so
 * whoever launched a bounded job learns from its result how many records it refused and why (a
 * run that refused events as late must say so, not only on the dead-letter topic).
 */
final class Refuser {

    private final ContractMetrics metrics;
    private final RuntimeContext context;

    Refuser(RuntimeContext context) {
        this.metrics = new ContractMetrics(context.getMetricGroup());
        this.context = context;
    }

    /** Exports these reasons' counters from the start: a missing series is not a zero to Prometheus. */
    Refuser exportedFromStart(RefusalReason... reasons) {
        for (RefusalReason reason : reasons) {
            counter(reason.stage().code(), reason.code());
        }
        return this;
    }

    void refuse(RejectedLine refused, Consumer<RejectedLine> sideOutput) {
        counter(refused.getStage(), refused.getReason()).inc();
        context.getLongCounter(RefusalCounts.accumulatorName(refused.getStage(), refused.getReason())).add(1L);
        sideOutput.accept(refused);
    }

    /**
     * The exit's event, or null after refusing it ({@code decode}, {@code undecodable}): the source
     * read only its routing fields, so a message corrupt in a field it skipped is found where the
     * event is first needed.
     */
    ExitEvent decodeOrRefuse(WireExit exit, Consumer<RejectedLine> sideOutput) {
        return decodedOrRefused(exit, exit::decode, sideOutput);
    }

    /** Every event of the record (one, or a batch's), or null after refusing the record as {@link #decodeOrRefuse} does. */
    java.util.List<ExitEvent> decodeEventsOrRefuse(WireExit exit, Consumer<RejectedLine> sideOutput) {
        return decodedOrRefused(exit, exit::decodeEvents, sideOutput);
    }

    /** One home for the refusal of a record that does not decode, whichever form is asked of it. */
    private <T> T decodedOrRefused(WireExit exit, java.util.function.Supplier<T> decode, Consumer<RejectedLine> sideOutput) {
        try {
            return decode.get();
        } catch (WireCodec.WireFormatException e) {
            refuse(ExitEventRecordDeserializer.undecodable(exit.origin(), e, exit.message), sideOutput);
            return null;
        }
    }

    private Counter counter(String stage, String reason) {
        return metrics.counter(ReplayMetrics.RECORDS_REFUSED_TOTAL, "stage", stage, "reason", reason);
    }
}
