package io.smtreplay.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    static ExitEvent sampleExit() {
        return ExitEvent.newBuilder()
                .setHost("host-a").setApp("memcached").setVm("vm1")
                .setThreadId(699876).setComm("CPU 0/KVM").setPcpu(20).setVcpu(0)
                .setTimestampNs(18136_763651_000L).setTracepoint("kvm_exit")
                .setKind(EventKindCode.EXIT).setIsa(IsaCode.VMX)
                .setExitReasonName("VMRESUME").setExitReasonCode(24L).setExitReasonFlags(0).setExitReasonKnown(true)
                .setGuestRip(0xfffff8489b641308L).setInfo1(0L).setInfo2(0L).setIntrInfo(null).setErrorCode(null)
                .setNestedEntry(NestedEntryFields.newBuilder().setRip(1).setVmcb(-1L).setNestedRip(2)
                        .setIntCtl(0).setEventInj(0x80000081L).setTdpEnabled(true).setGuestPgd(0x1019a701eL).build())
                .setPayload("reason VMRESUME rip 0xfffff8489b641308 info 0 0")
                .setSource("trace.txt").setSequence(42).setLineNumber(43)
                .build();
    }

    @Test
    void everyRecordTypeRoundTripsThroughSingleObjectEncoding() {
        ExitEvent exit = sampleExit();
        assertEquals(exit, WireCodec.exitEvents().decode(WireCodec.exitEvents().encode(exit)));

        RejectedLine rejected = RejectedLine.newBuilder().setSource("f.txt").setLineNumber(7)
                .setReason("annotation").setDetail("author's note").setLine("  ^^^ this is the injection").build();
        assertEquals(rejected, WireCodec.rejectedLines().decode(WireCodec.rejectedLines().encode(rejected)));

        AppSpeedup speedup = AppSpeedup.newBuilder().setApp("memcached").setWindowStartNs(0).setWindowEndNs(10_000_000_000L)
                .setConfig("svt-hw").setGuestNs(5).setBaselineNs(10).setProjectedNs(4).setSpeedup(15.0 / 9.0)
                .setExitsByLevel(Map.of("L2", 3L)).setExitsByReason(Map.of("CPUID", 3L)).setExitMultiplication(3.0)
                .setEpisodes(3).setIncompleteEpisodes(0).build();
        assertEquals(speedup, WireCodec.appSpeedups().decode(WireCodec.appSpeedups().encode(speedup)));
    }

    @Test
    void messagesCarryTheWriterSchemaFingerprint() {
        byte[] bytes = WireCodec.exitEvents().encode(sampleExit());
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
    }

    /** The codec's own buffered encoder writes exactly what Avro's reference encoder writes. */
    @Test
    void bytesAreAvrosOwnSingleObjectEncoding() throws Exception {
        ExitEvent exit = sampleExit();
        ExitEvent sparse = ExitEvent.newBuilder(exit).setVm(null).setComm(null).setTimestampNs(null)
                .setNestedEntry(null).setPayload("x".repeat(5000)).build();
        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        for (ExitEvent e : List.of(exit, sparse, exit)) {
            java.nio.ByteBuffer reference = ExitEvent.getEncoder().encode(e);
            byte[] expected = new byte[reference.remaining()];
            reference.get(expected);
            assertArrayEquals(expected, codec.encode(e));
        }
    }

    /** A newer writer added a field with a default: today's reader ignores it. */
    @Test
    void readerDecodesANewerWriterSchema() {
        Schema newer = withExtraField(RejectedLine.getClassSchema());
        GenericRecord record = new GenericData.Record(newer);
        record.put("source", "f.txt");
        record.put("lineNumber", 3L);
        record.put("stage", "parse");
        record.put("reason", "truncated");
        record.put("line", "kvm_exit");
        record.put("collector", "agent-7");
        byte[] bytes = encodeGeneric(newer, record);

        WireCodec<RejectedLine> reader = new WireCodec<>(RejectedLine.getClassSchema(), List.of(newer));
        RejectedLine decoded = reader.decode(bytes);
        assertEquals("truncated", decoded.getReason());
        assertEquals(3L, decoded.getLineNumber());
        assertNull(decoded.getDetail());
    }

    /** An older writer lacked a field: a newer reader fills in the default. */
    @Test
    void newerReaderDecodesTodaysWriterWithTheDefault() throws Exception {
        Schema newer = withExtraField(RejectedLine.getClassSchema());
        RejectedLine today = RejectedLine.newBuilder().setSource("f.txt").setLineNumber(9)
                .setReason("blank").setLine("").build();
        byte[] bytes = WireCodec.rejectedLines().encode(today);

        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(RejectedLine.getClassSchema());
        BinaryMessageDecoder<GenericRecord> newerReader = new BinaryMessageDecoder<>(GenericData.get(), newer, store);
        GenericRecord decoded = newerReader.decode(bytes);
        assertEquals("unknown-collector", decoded.get("collector").toString());
        assertEquals(9L, decoded.get("lineNumber"));
    }

    @Test
    void bytesOfAnUnknownSchemaAreRefusedWithAClearError() {
        Schema stranger = SchemaBuilder.record("Stranger").namespace("x").fields().requiredLong("n").endRecord();
        GenericRecord r = new GenericData.Record(stranger);
        r.put("n", 1L);
        byte[] bytes = encodeGeneric(stranger, r);
        WireCodec.WireFormatException e = assertThrows(WireCodec.WireFormatException.class,
                () -> WireCodec.exitEvents().decode(bytes));
        assertEquals(true, e.getMessage().contains("single-object"));
        assertThrows(WireCodec.WireFormatException.class, () -> WireCodec.exitEvents().decode(new byte[] {1, 2, 3}));
    }

    /** A projection reads its fields as the full decode does and skips the rest, from any known writer. */
    @Test
    void projectionReadsSomeFieldsOfTheMessage() {
        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        WireCodec.Projection routing = codec.projection("host", "threadId", "timestampNs", "sequence");
        ExitEvent exit = sampleExit();
        ExitEvent untimed = ExitEvent.newBuilder(exit).setTimestampNs(null).setHost("host-b").setSequence(7).build();
        GenericRecord reuse = null;
        for (ExitEvent e : List.of(exit, untimed, exit)) {
            reuse = routing.decode(codec.encode(e), reuse);
            assertEquals(e.getHost(), reuse.get("host").toString());
            assertEquals(e.getThreadId(), reuse.get("threadId"));
            assertEquals(e.getTimestampNs(), reuse.get("timestampNs"));
            assertEquals(e.getSequence(), reuse.get("sequence"));
            assertNull(reuse.getSchema().getField("payload"), "skipped fields are not in the projection");
        }

        // a newer writer (an extra field first): resolved like a full decode
        Schema newer = withExtraField(RejectedLine.getClassSchema());
        GenericRecord record = new GenericData.Record(newer);
        record.put("collector", "agent-7");
        record.put("source", "f.txt");
        record.put("lineNumber", 3L);
        record.put("stage", "parse");
        record.put("reason", "truncated");
        record.put("line", "kvm_exit");
        GenericRecord projected = new WireCodec<>(RejectedLine.getClassSchema(), List.of(newer))
                .projection("reason", "lineNumber").decode(encodeGeneric(newer, record), null);
        assertEquals("truncated", projected.get("reason").toString());
        assertEquals(3L, projected.get("lineNumber"));

        assertEquals(List.of(0, 3), List.of(routing.position("host"), routing.position("sequence")));
        assertThrows(IllegalArgumentException.class, () -> routing.position("payload"));
        assertThrows(IllegalArgumentException.class, () -> codec.projection("noSuchField"));
        byte[] truncated = java.util.Arrays.copyOf(codec.encode(exit), 20);
        assertThrows(WireCodec.WireFormatException.class, () -> routing.decode(truncated, null),
                "a skip past the end is a refusal, as a full decode's is");
    }

    /** AppSpeedup as written before the wall-clock fields (issue 10): today's schema less them. */
    private static Schema appSpeedupBeforeWallClock() {
        Schema today = AppSpeedup.getClassSchema();
        List<String> added = List.of("wallClockSpeedup", "waitNs", "projectedWaitNs", "unexplainedWaitNs", "contexts",
                "wallClockSpeedupLow", "wallClockSpeedupHigh");
        List<Schema.Field> fields = today.getFields().stream().filter(f -> !added.contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(today.getName(), today.getDoc(), today.getNamespace(), false, fields);
    }

    /** An AppSpeedup from a writer before the wall-clock fields decodes with their defaults. */
    @Test
    void appSpeedupFromAnOlderWriterGetsTheWallClockDefaults() {
        Schema older = appSpeedupBeforeWallClock();
        GenericRecord record = new GenericData.Record(older);
        record.put("app", "memcached");
        record.put("windowStartNs", 0L);
        record.put("windowEndNs", 10L);
        record.put("config", "svt-hw");
        record.put("profile", "isca19-table1");
        record.put("guestNs", 5L);
        record.put("baselineNs", 10L);
        record.put("projectedNs", 4L);
        record.put("speedup", 15.0 / 9.0);
        record.put("exitsByLevel", Map.of());
        record.put("exitsByReason", Map.of());
        record.put("exitMultiplication", null);
        record.put("episodes", 3L);
        record.put("incompleteEpisodes", 0L);
        byte[] bytes = encodeGeneric(older, record);

        AppSpeedup decoded = new WireCodec<AppSpeedup>(AppSpeedup.getClassSchema(), List.of(older)).decode(bytes);
        assertEquals(15.0 / 9.0, decoded.getSpeedup());
        assertNull(decoded.getWallClockSpeedup(), "no wall-clock figure from a writer that had none");
        assertEquals(0L, decoded.getWaitNs());
        assertEquals(1, decoded.getContexts());
        assertNull(decoded.getWallClockSpeedupLow());
    }

    /** A reader from before the wall-clock fields decodes today's AppSpeedup, skipping them. */
    @Test
    void anOlderAppSpeedupReaderSkipsTheWallClockFields() throws Exception {
        AppSpeedup today = AppSpeedup.newBuilder().setApp("netperf").setWindowStartNs(0).setWindowEndNs(10)
                .setConfig("svt-sw").setGuestNs(5).setBaselineNs(10).setProjectedNs(8).setSpeedup(15.0 / 13.0)
                .setWallClockSpeedup(1.02).setWaitNs(100).setProjectedWaitNs(100).setUnexplainedWaitNs(100)
                .setContexts(2).setWallClockSpeedupLow(1.01).setWallClockSpeedupHigh(1.03).build();
        byte[] bytes = WireCodec.appSpeedups().encode(today);
        Schema older = appSpeedupBeforeWallClock();
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(AppSpeedup.getClassSchema());
        GenericRecord decoded = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), older, store).decode(bytes);
        assertEquals(15.0 / 13.0, decoded.get("speedup"));
        assertEquals("svt-sw", decoded.get("config").toString());
        assertNull(decoded.getSchema().getField("wallClockSpeedup"));
    }

    /**
     * {@code EVENTS_LOST} was appended to the kind enum. Both ways: an event a producer of the
     * previous schema wrote (its fingerprint is the history file's) decodes in today's codec; an
     * events-lost mark today's codec writes decodes in a reader of the previous schema as the
     * enum's default, {@code OTHER_KVM}, with every other field intact.
     */
    @Test
    void theEventsLostKindEvolvesBothWays() throws Exception {
        Schema previous = firstExitEventSchema();
        assertEquals(false, previous.getField("kind").schema().getEnumSymbols().contains("EVENTS_LOST"));
        assertEquals(ExitEvent.getClassSchema().getField("kind").schema().getEnumSymbols().subList(0,
                previous.getField("kind").schema().getEnumSymbols().size()), previous.getField("kind").schema().getEnumSymbols(),
                "appended, not inserted: the old symbols keep their ordinals");

        // an old producer's bytes, written with the previous schema (its fingerprint in the header)
        ExitEvent exit = sampleExit();
        byte[] old = encodeGeneric(previous, asRecordOf(previous, exit));
        assertEquals(ExitEvent.newBuilder(exit).setNestedEntry(null).build(), WireCodec.exitEvents().decode(old),
                "an old producer's event, read today");
        assertThrows(WireCodec.WireFormatException.class,
                () -> new WireCodec<>(ExitEvent.getClassSchema(), List.of()).decode(old), "without the history it would be refused");

        ExitEvent mark = ExitEventMapping.eventsLostMark(new io.smtreplay.trace.Labels("host-a", null, "memcached"), 4242, 3,
                1_000L, 17, "agent", 9);
        assertEquals(mark, WireCodec.exitEvents().decode(WireCodec.exitEvents().encode(mark)));
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(ExitEvent.getClassSchema());
        GenericRecord seenByOld = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), previous, store)
                .decode(WireCodec.exitEvents().encode(mark));
        assertEquals("OTHER_KVM", seenByOld.get("kind").toString());
        assertEquals(4242, seenByOld.get("threadId"));
        assertEquals("LOST 17 EVENTS on CPU 3", seenByOld.get("payload").toString());
    }

    /** ExitEvent as first published (the codec's history): no EVENTS_LOST, no SCHED_* kinds, no wokenThread. */
    private static Schema firstExitEventSchema() {
        try (var in = WireCodec.class.getResourceAsStream("history/ExitEvent-1.avsc")) {
            Schema first = new Schema.Parser().parse(in);
            assertEquals(10, first.getField("kind").schema().getEnumSymbols().size(), "the ten kinds of the first schema");
            assertNull(first.getField("wokenThread"));
            return first;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code event} as a generic record of an older schema: its fields only (nested entry left null). */
    private static GenericRecord asRecordOf(Schema older, ExitEvent event) {
        GenericRecord record = new GenericData.Record(older);
        for (Schema.Field f : older.getFields()) {
            Object v = event.get(f.name());
            if (f.name().equals("kind") || f.name().equals("isa")) {
                v = new GenericData.EnumSymbol(f.schema(), v.toString());
            } else if (f.name().equals("nestedEntry")) {
                v = null;
            }
            record.put(f.name(), v);
        }
        return record;
    }

    /** An ExitEvent from a writer before the scheduler events decodes with no woken thread. */
    @Test
    void exitEventFromAnOlderWriterHasNoWokenThread() {
        Schema older = firstExitEventSchema();
        ExitEvent decoded = new WireCodec<ExitEvent>(ExitEvent.getClassSchema(), List.of(older))
                .decode(encodeGeneric(older, asRecordOf(older, sampleExit())));
        assertEquals(EventKindCode.EXIT, decoded.getKind());
        assertEquals(699876, decoded.getThreadId());
        assertNull(decoded.getWokenThread());
    }

    /** A reader before the scheduler events reads a sched event as OTHER_KVM (the enum's default) and skips wokenThread. */
    @Test
    void anOlderExitEventReaderReadsSchedKindsAsOtherKvm() throws Exception {
        ExitEvent wakeup = ExitEvent.newBuilder(sampleExit()).setTracepoint("sched_wakeup").setKind(EventKindCode.SCHED_WAKEUP)
                .setNestedEntry(null).setExitReasonName(null).setExitReasonCode(null).setWokenThread(7289).build();
        byte[] bytes = WireCodec.exitEvents().encode(wakeup);
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(ExitEvent.getClassSchema());
        GenericRecord decoded = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), firstExitEventSchema(), store)
                .decode(bytes);
        assertEquals("OTHER_KVM", decoded.get("kind").toString());
        assertEquals("sched_wakeup", decoded.get("tracepoint").toString());
        assertNull(decoded.getSchema().getField("wokenThread"));
        assertEquals(7289, WireCodec.exitEvents().decode(bytes).getWokenThread(), "today's reader keeps it");
    }

    private static Schema withExtraField(Schema base) {
        String json = base.toString().replace("\"fields\":[",
                "\"fields\":[{\"name\":\"collector\",\"type\":\"string\",\"default\":\"unknown-collector\"},");
        return new Schema.Parser().parse(json);
    }

    private static byte[] encodeGeneric(Schema schema, GenericRecord record) {
        try {
            java.nio.ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
