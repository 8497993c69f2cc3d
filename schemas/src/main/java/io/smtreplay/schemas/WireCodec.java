package io.smtreplay.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
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

    private static final int HEADER_LENGTH = 10;

    /** Single-object marker C3 01, then the writer schema's CRC-64-AVRO fingerprint, little-endian. */
    private final byte[] header;
    private final DatumWriter<T> writer;
    /**
     * One buffer and buffered encoder per thread. Avro's own {@code BinaryMessageEncoder} writes
     * through a direct (unbuffered) encoder into a synchronized stream and copies the result twice;
     * this writes the same bytes at a fraction of the cost (BENCHMARKS.md, issue 2).
     */
    private final ThreadLocal<EncodeBuffer> buffers = ThreadLocal.withInitial(EncodeBuffer::new);
    private final Schema readerSchema;
    private final SpecificData model;
    private final SchemaStore store;
    /** Writer schema fingerprint -> a reader resolving it to this process's schema. */
    private final ConcurrentHashMap<Long, DatumReader<T>> readers = new ConcurrentHashMap<>();
    /** Likewise a buffered decoder per thread over the message's bytes (Avro's message decoder reads unbuffered). */
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

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
        this.header = singleObjectHeader(readerSchema);
        @SuppressWarnings("unchecked")
        DatumWriter<T> datumWriter = (DatumWriter<T>) model.createDatumWriter(readerSchema);
        this.writer = datumWriter;
        this.readerSchema = readerSchema;
        this.model = model;
        this.store = store;
    }

    public static WireCodec<ExitEvent> exitEvents() {
        return new WireCodec<>(ExitEvent.getClassSchema(), List.of(history("ExitEvent-1.avsc")));
    }

    /**
     * An earlier writer schema kept in {@code history/}: messages producers of that version wrote
     * (their fingerprint differs) still decode. {@code ExitEvent-1}: before {@code EVENTS_LOST}, the {@code SCHED_*} kinds and {@code wokenThread}.
     */
    private static Schema history(String file) {
        try (var in = WireCodec.class.getResourceAsStream("history/" + file)) {
            return new Schema.Parser().parse(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the schema history file " + file + " is missing from the schemas jar", e);
        }
    }

    /** Batches of one vCPU's events, on the same topic as {@link #exitEvents()} (docs/wire.md). */
    public static WireCodec<ExitEventBatch> exitEventBatches() {
        return new WireCodec<>(ExitEventBatch.getClassSchema(), List.of());
    }

    public static WireCodec<RejectedLine> rejectedLines() {
        return new WireCodec<>(RejectedLine.getClassSchema(), List.of());
    }

    public static WireCodec<AppSpeedup> appSpeedups() {
        return new WireCodec<>(AppSpeedup.getClassSchema(), List.of());
    }

    /** The record as one single-object message (the same bytes as Avro's {@code BinaryMessageEncoder}). */
    public byte[] encode(T record) {
        EncodeBuffer buffer = buffers.get();
        try {
            return buffer.encode(header, writer, record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
        }
    }

    /**
     * True when {@code bytes} is a single-object message of a writer schema this codec knows: how a
     * reader of a topic carrying two record types tells them apart without decoding.
     */
    public boolean knows(byte[] bytes) {
        return bytes != null && hasMarker(bytes) && store.findByFingerprint(fingerprint(bytes)) != null;
    }

    /** True when {@code bytes} was written with exactly this process's schema (no resolution needed). */
    public boolean writtenByThisSchema(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER_LENGTH
                && Arrays.equals(bytes, 0, HEADER_LENGTH, header, 0, HEADER_LENGTH);
    }

    /** The single-object header (marker and schema fingerprint) this codec writes before each body. */
    public byte[] header() {
        return header.clone();
    }

    /** Where the Avro body of a single-object message starts. */
    public static int bodyOffset() {
        return HEADER_LENGTH;
    }

    static byte[] singleObjectHeader(Schema schema) {
        byte[] header = new byte[HEADER_LENGTH];
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        ByteBuffer.wrap(header, 2, 8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(schema));
        return header;
    }

    /** A reusable, unsynchronized byte buffer with the buffered binary encoder writing into it. */
    private static final class EncodeBuffer extends ByteArrayOutputStream {
        private BinaryEncoder encoder;

        EncodeBuffer() {
            super(512);
        }

        <T> byte[] encode(byte[] header, DatumWriter<T> writer, T record) throws IOException {
            count = 0;
            write(header, 0, header.length);
            encoder = EncoderFactory.get().binaryEncoder(this, encoder);
            writer.write(record, encoder);
            encoder.flush();
            return Arrays.copyOf(buf, count);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // ByteArrayOutputStream's own write is synchronized; this buffer never leaves its thread
            ensureRoom(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        @Override
        public void write(int b) {
            ensureRoom(1);
            buf[count++] = (byte) b;
        }

        private void ensureRoom(int len) {
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
        }
    }

    /**
     * Decodes one message.
     *
     * @throws WireFormatException when the bytes are not a single-object message of a known schema
     */
    public T decode(byte[] bytes) {
        DatumReader<T> reader = readers.computeIfAbsent(fingerprint(bytes), this::readerFor);
        return read(bytes, reader, null);
    }

    /**
     * A reader of only the named fields of this codec's messages (each of any known writer schema),
     * into generic records of those fields: the other fields are skipped, not decoded. For routing a
     * message by a few of its fields while passing its bytes on whole.
     */
    public Projection projection(String... fieldNames) {
        List<Schema.Field> fields = new ArrayList<>();
        for (String name : fieldNames) {
            Schema.Field field = readerSchema.getField(name);
            if (field == null) {
                throw new IllegalArgumentException(readerSchema.getFullName() + " has no field " + name);
            }
            fields.add(new Schema.Field(field, field.schema()));
        }
        // the same full name as the writer's, or Avro's resolution would not match the records
        return new Projection(Schema.createRecord(readerSchema.getName(), readerSchema.getDoc(),
                readerSchema.getNamespace(), false, fields));
    }

    /** Some fields of a message; see {@link #projection}. Thread-safe. */
    public final class Projection {
        private final Schema schema;
        private final ConcurrentHashMap<Long, DatumReader<GenericRecord>> projectors = new ConcurrentHashMap<>();

        private Projection(Schema schema) {
            this.schema = schema;
        }

        /** Where a field of the projection is in the records it reads ({@code GenericRecord.get(int)}). */
        public int position(String fieldName) {
            Schema.Field field = schema.getField(fieldName);
            if (field == null) {
                throw new IllegalArgumentException("the projection has no field " + fieldName);
            }
            return field.pos();
        }

        /**
         * @param reuse a record of this projection to read into, or null
         * @throws WireFormatException as {@link WireCodec#decode}; a message whose skipped fields
         *                             are corrupt but still skip cleanly can pass here and fail a
         *                             full decode
         */
        public GenericRecord decode(byte[] bytes, GenericRecord reuse) {
            DatumReader<GenericRecord> reader = projectors.computeIfAbsent(fingerprint(bytes), this::projectorFor);
            return read(bytes, reader, reuse);
        }

        private DatumReader<GenericRecord> projectorFor(long fingerprint) {
            Schema writerSchema = store.findByFingerprint(fingerprint);
            return writerSchema == null ? null : new GenericDatumReader<>(writerSchema, schema);
        }
    }

    /** Long enough for a header, and starting with the single-object marker C3 01. */
    private static boolean hasMarker(byte[] bytes) {
        return bytes.length >= HEADER_LENGTH && bytes[0] == (byte) 0xC3 && bytes[1] == (byte) 0x01;
    }

    private static long fingerprint(byte[] bytes) {
        if (!hasMarker(bytes)) {
            throw new WireFormatException("not a single-object Avro message: no C3 01 marker", null);
        }
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private <R> R read(byte[] bytes, DatumReader<R> reader, R reuse) {
        if (reader == null) {
            throw new WireFormatException("not a decodable single-object Avro message: unknown writer schema"
                    + " (fingerprint " + Long.toHexString(fingerprint(bytes)) + ")", null);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH,
                    bytes.length - HEADER_LENGTH, decoders.get());
            decoders.set(decoder);
            return reader.read(reuse, decoder);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("not a decodable single-object Avro message: " + e.getMessage(), e);
        }
    }

    /** A reader from the writer schema the store knows by {@code fingerprint}, or null (not cached). */
    @SuppressWarnings("unchecked")
    private DatumReader<T> readerFor(long fingerprint) {
        Schema writerSchema = store.findByFingerprint(fingerprint);
        return writerSchema == null ? null : (DatumReader<T>) model.createDatumReader(writerSchema, readerSchema);
    }

    /** Thrown for bytes that are not a message of any schema the codec knows. */
    public static final class WireFormatException extends RuntimeException {
        public WireFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
