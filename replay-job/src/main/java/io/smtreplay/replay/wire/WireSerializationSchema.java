package io.smtreplay.replay.wire;

import io.smtreplay.schemas.WireCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * Flink's view of the project's one wire codec (Avro single-object encoding). flink-avro's own
 * schemas write raw binary without the fingerprint, so they cannot be used on our topics.
 */
public final class WireSerializationSchema<T extends SpecificRecord> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final SerializableSupplier<WireCodec<T>> codecFactory;
    private transient WireCodec<T> codec;

    public WireSerializationSchema(SerializableSupplier<WireCodec<T>> codecFactory) {
        this.codecFactory = codecFactory;
    }

    @Override
    public void open(InitializationContext context) {
        codec = codecFactory.get();
    }

    @Override
    public byte[] serialize(T element) {
        if (codec == null) {
            codec = codecFactory.get();
        }
        return codec.encode(element);
    }
}
