package io.smtreplay.replay.wire;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.schemas.ExitBatchColumns;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import java.util.Base64;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the exits topic, both its record types (ExitEvent, ExitEventBatch; docs/wire.md): each
 * message's routing fields (vCPU thread, event time; a batch's oldest) are read, the rest skipped, and the message passed on whole as a {@link WireExit}. Bytes that are not an
 * {@code ExitEvent} of a known schema never fail the job: they become a {@link RejectedLine} of
 * stage {@code decode}, keeping the bytes (base64) and where they were (topic/partition/offset),
 * for the dead-letter topic.
 */
public final class ExitEventRecordDeserializer implements KafkaRecordDeserializationSchema<SourceRecord> {

    private static final long serialVersionUID = 2L;

    /** Read into again for every message: only its three fields are kept. */
    private transient GenericRecord routing;
    /** Likewise for batches: only their header is read. */
    private transient ExitBatchColumns batchHeader;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
        byte[] value = record.value();
        if (value == null) {
            out.collect(SourceRecord.refused(refusal(origin(record), RefusalReason.NO_VALUE, "record without a value (tombstone)", "")));
            return;
        }
        WireExit exit = new WireExit();
        try {
            if (ExitCodecs.BATCHES.knows(value)) {
                // a batch is routed by its host and its oldest event: no event is decoded here
                if (batchHeader == null) {
                    batchHeader = WireExit.batchReader();
                }
                batchHeader.readHeader(value);
                exit.threadId = batchHeader.threadId();
                exit.host = batchHeader.host();
                exit.timestampNs = batchHeader.minTimestampNs();
            } else {
                routing = ExitCodecs.ROUTING.decode(value, routing);
                exit.threadId = (Integer) routing.get(ExitCodecs.ROUTING_THREAD);
                exit.host = routing.get(ExitCodecs.ROUTING_HOST).toString();
                Object ts = routing.get(ExitCodecs.ROUTING_TIMESTAMP);
                exit.timestampNs = ts == null ? WireExit.NO_TIMESTAMP : (Long) ts;
            }
        } catch (WireCodec.WireFormatException e) {
            out.collect(SourceRecord.refused(undecodable(origin(record), e, value)));
            return;
        }
        exit.message = value;
        exit.topic = record.topic();
        exit.partition = record.partition();
        exit.offset = record.offset();
        out.collect(SourceRecord.of(exit));
    }

    private static String origin(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    /** The refusal of a message that is not a decodable {@code ExitEvent}, wherever the job found out. */
    public static RejectedLine undecodable(String origin, WireCodec.WireFormatException why, byte[] message) {
        return refusal(origin, RefusalReason.UNDECODABLE, why.getMessage(), Base64.getEncoder().encodeToString(message));
    }

    private static RejectedLine refusal(String origin, RefusalReason reason, String detail, String line) {
        return RejectedLine.newBuilder()
                .setSource(origin)
                .setLineNumber(-1)
                .setStage(reason.stage().code())
                .setReason(reason.code())
                .setDetail(detail)
                .setLine(line)
                .build();
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
