package io.smtreplay.replay.wire;

import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.RejectedLine;
import io.smtreplay.schemas.WireCodec;
import java.util.Base64;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes the exits topic. Bytes that are not an {@link ExitEvent} of a known schema never fail
 * the job: they become a {@link RejectedLine} of stage {@value #STAGE}, keeping the bytes (base64)
 * and where they were (topic/partition/offset), for the dead-letter topic.
 */
public final class ExitEventRecordDeserializer implements KafkaRecordDeserializationSchema<SourceRecord> {

    private static final long serialVersionUID = 1L;
    public static final String STAGE = "decode";
    public static final String UNDECODABLE = "undecodable";
    public static final String NO_VALUE = "no-value";

    private transient WireCodec<ExitEvent> codec;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codec = WireCodec.exitEvents();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
        if (codec == null) {
            codec = WireCodec.exitEvents();
        }
        byte[] value = record.value();
        if (value == null) {
            out.collect(SourceRecord.refused(refusal(where(record), NO_VALUE, "record without a value (tombstone)", "")));
            return;
        }
        try {
            out.collect(SourceRecord.of(codec.decode(value)));
        } catch (WireCodec.WireFormatException e) {
            out.collect(SourceRecord.refused(
                    refusal(where(record), UNDECODABLE, e.getMessage(), Base64.getEncoder().encodeToString(value))));
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    private static RejectedLine refusal(String where, String reason, String detail, String line) {
        return RejectedLine.newBuilder()
                .setSource(where)
                .setLineNumber(-1)
                .setStage(STAGE)
                .setReason(reason)
                .setDetail(detail)
                .setLine(line)
                .build();
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
