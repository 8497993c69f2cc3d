package io.smtreplay.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one codec on the wire: Avro single-object encoding (2-byte marker, the writer schema's
 * 64-bit fingerprint, binary body). A reader resolves any writer schema its {@link SchemaStore}
 * knows, so producers and consumers of different schema versions interoperate without a registry
 * service. Encoders and decoders are thread-safe.
 *
 * @param <T> the generated record class
 */
public final class WireCodec<T extends SpecificRecord> {

    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /**
     * @param readerSchema   the schema this process reads into (the generated class's)
     * @param olderSchemas   earlier or later writer schemas this reader must still decode
     */
    public WireCodec(Schema readerSchema, List<Schema> olderSchemas) {
        // the generated classes' own field-by-field coders: about 1.4x faster than the generic
        // writer's per-field union resolution, same bytes on the wire (BENCHMARKS.md, issue 2)
        SpecificData model = new SpecificData();
        model.setCustomCoders(true);
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(readerSchema);
        for (Schema schema : olderSchemas) {
            store.addSchema(schema);
        }
        this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
        this.decoder = new BinaryMessageDecoder<>(model, readerSchema, store);
    }

    public static WireCodec<ExitEvent> exitEvents() {
        return new WireCodec<>(ExitEvent.getClassSchema(), List.of());
    }

    public static WireCodec<RejectedLine> rejectedLines() {
        return new WireCodec<>(RejectedLine.getClassSchema(), List.of());
    }

    public static WireCodec<AppSpeedup> appSpeedups() {
        return new WireCodec<>(AppSpeedup.getClassSchema(), List.of());
    }

    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
        }
    }

    /**
     * Decodes one message.
     *
     * @throws WireFormatException when the bytes are not a single-object message of a known schema
     */
    public T decode(byte[] bytes) {
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("not a decodable single-object Avro message: " + e.getMessage(), e);
        }
    }

    /** Thrown for bytes that are not a message of any schema the codec knows. */
    public static final class WireFormatException extends RuntimeException {
        public WireFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
