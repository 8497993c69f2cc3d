package io.smtreplay.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.TraceEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class ExitEventBatchTest {

    /** Events of one vCPU with every optional field both set and absent, timestamps not monotone. */
    static List<ExitEvent> sampleEvents() {
        ExitEvent base = WireCodecTest.sampleExit();
        List<ExitEvent> events = new ArrayList<>();
        events.add(base);
        events.add(ExitEvent.newBuilder(base).setTracepoint("kvm_entry").setKind(EventKindCode.ENTRY)
                .setExitReasonName(null).setExitReasonCode(null).setGuestRip(null).setInfo1(null).setInfo2(null)
                .setNestedEntry(null).setComm(null).setPayload("vcpu 0, rip 0x1").setTimestampNs(base.getTimestampNs() + 900)
                .setSequence(43).setLineNumber(47).build());
        events.add(ExitEvent.newBuilder(base).setTracepoint("kvm_nested_vmexit").setKind(EventKindCode.NESTED_VMEXIT)
                .setExitReasonName("UNKNOWN(0x99)").setExitReasonCode(null).setExitReasonKnown(false)
                .setExitReasonFlags(0x80000000L).setIntrInfo(0x80000b0eL).setErrorCode(4L)
                .setTimestampNs(base.getTimestampNs() + 400).setSequence(44).setLineNumber(48).build());
        events.add(ExitEvent.newBuilder(base).setIsa(IsaCode.SVM).setPcpu(3).setVcpu(-1)
                .setTimestampNs(base.getTimestampNs() + 2_000).setSequence(46).setLineNumber(50).build());
        events.add(ExitEvent.newBuilder(base).setTracepoint("sched_waking").setKind(EventKindCode.SCHED_WAKING)
                .setExitReasonName(null).setExitReasonCode(null).setNestedEntry(null).setWokenThread(7289)
                .setTimestampNs(base.getTimestampNs() + 2_100).setSequence(47).setLineNumber(51).build());
        events.add(ExitEvent.newBuilder(base).setTracepoint("kvm_apic_accept_irq").setKind(EventKindCode.OTHER_KVM)
                .setExitReasonName(null).setExitReasonCode(null).setNestedEntry(null).setPcpu(5)
                .setPayload("apicid 1 vec 236 (Fixed|edge)")
                .setTimestampNs(base.getTimestampNs() + 2_200).setSequence(48).setLineNumber(52).build());
        return events;
    }

    static byte[] batchOf(List<ExitEvent> events) {
        ExitEventBatchBuilder builder = new ExitEventBatchBuilder();
        events.forEach(builder::add);
        return WireCodec.exitEventBatches().encode(builder.build());
    }

    /** The columns written straight to bytes are the message Avro's own writer makes of the built batch. */
    @Test
    void encodedColumnsAreTheBytesOfTheBuiltBatch() {
        WireCodec<ExitEventBatch> codec = WireCodec.exitEventBatches();
        List<ExitEvent> events = new ArrayList<>(sampleEvents());
        // more events than the builder's first columns hold, and a reason without a code, a vm and none
        for (int i = 0; i < 150; i++) {
            ExitEvent base = events.get(i % 5);
            events.add(ExitEvent.newBuilder(base).setSequence(100 + i).setLineNumber(200 + i)
                    .setTimestampNs(base.getTimestampNs() + 10_000 + i).setPayload(i % 7 == 0 ? "caf\u00e9 " + i : "")
                    .build());
        }
        ExitEventBatchBuilder direct = new ExitEventBatchBuilder();
        ExitEventBatchBuilder viaObject = new ExitEventBatchBuilder();
        for (int round = 0; round < 2; round++) { // reused after encode(): nothing of the last batch stays
            events.forEach(direct::add);
            events.forEach(viaObject::add);
            byte[] bytes = direct.encode(codec.header());
            assertEquals(java.util.Arrays.toString(codec.encode(viaObject.build())), java.util.Arrays.toString(bytes));
            assertEquals(events, ExitEventBatches.eventsOf(bytes));
        }
    }

    @Test
    void batchCarriesItsEventsLosslessly() {
        List<ExitEvent> events = sampleEvents();
        ExitEventBatch decoded = WireCodec.exitEventBatches().decode(batchOf(events));
        assertEquals(events.size(), decoded.getCount());
        assertEquals(WireCodecTest.sampleExit().getTimestampNs(), decoded.getMinTimestampNs());
        assertEquals(events, ExitEventBatches.events(decoded));
    }

    /**
     * Where each ExitEvent field lives in a batch. A field added to ExitEvent later fails here until
     * the batch has a column of the same name (docs/wire.md, "Evolution") and the builder and
     * {@link ExitEventBatches#events} carry it: a batched topic must not drop it silently.
     */
    @Test
    void everyExitEventFieldHasItsPlaceInTheBatch() {
        java.util.Map<String, String> stored = java.util.Map.ofEntries(
                java.util.Map.entry("timestampNs", "timestampDeltaNs"), java.util.Map.entry("sequence", "sequenceDelta"),
                java.util.Map.entry("lineNumber", "lineNumberDelta"), java.util.Map.entry("comm", "commIndex"),
                java.util.Map.entry("tracepoint", "tracepointIndex"), java.util.Map.entry("kind", "kindIndex"),
                java.util.Map.entry("isa", "isaIndex"), java.util.Map.entry("exitReasonName", "reasonIndex"),
                java.util.Map.entry("exitReasonCode", "reasonIndex"), java.util.Map.entry("exitReasonFlags", "reasonIndex"),
                java.util.Map.entry("exitReasonKnown", "reasonIndex"));
        for (Schema.Field f : ExitEvent.getClassSchema().getFields()) {
            String column = stored.getOrDefault(f.name(), f.name());
            assertTrue(ExitEventBatch.getClassSchema().getField(column) != null,
                    "ExitEvent." + f.name() + " has no column " + column + " in ExitEventBatch");
        }
    }

    @Test
    void builderRefusesEventsOfAnotherThreadOrWithoutTime() {
        ExitEventBatchBuilder builder = new ExitEventBatchBuilder();
        ExitEvent e = WireCodecTest.sampleExit();
        builder.add(e);
        assertFalse(builder.accepts(ExitEvent.newBuilder(e).setThreadId(1).build()));
        assertFalse(builder.accepts(ExitEvent.newBuilder(e).setSource("other.txt").build()));
        assertFalse(ExitEventBatchBuilder.batchable(ExitEvent.newBuilder(e).setTimestampNs(null).build()));
        assertThrows(IllegalArgumentException.class, () -> builder.add(ExitEvent.newBuilder(e).setThreadId(1).build()));
        builder.build();
        assertEquals(0, builder.size());
    }

    /** The job's columns hold exactly what the model would read from each event's TraceEvent. */
    @Test
    void columnsHoldWhatTheModelReads() {
        List<ExitEvent> events = sampleEvents();
        ExitBatchColumns columns = new ExitBatchColumns(WireCodec.exitEventBatches());
        for (int pass = 0; pass < 2; pass++) { // the second reuses the arrays
            columns.read(batchOf(events));
            assertColumnsMatch(events, columns);
        }
        assertEquals("host-a", columns.host());
        assertEquals(699876, columns.threadId());
        assertEquals("memcached", columns.app());
    }

    static void assertColumnsMatch(List<ExitEvent> events, ExitBatchColumns columns) {
        assertEquals(events.size(), columns.count());
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = ExitEventMapping.fromAvro(events.get(i));
            assertEquals(e.timestampNs(), columns.timestampNs(i));
            assertEquals(events.get(i).getSequence(), columns.sequence(i));
            assertEquals(e.kind(), columns.kind(i));
            assertEquals(e.reason(), columns.reason(i));
            assertEquals(e.nestedEntry() != null, columns.hasNestedEntry(i));
            if (e.nestedEntry() != null) {
                assertEquals(e.nestedEntry().vmcb(), columns.nestedVmcb(i));
            }
            // what the critical path reads: the payload of wake-ups only, the woken thread of sched events
            assertEquals(e.tracepoint(), columns.tracepoint(i));
            assertEquals(e.pcpu(), columns.pcpu(i));
            assertEquals(e.vcpu(), columns.vcpu(i));
            assertEquals(e.wokenThread() == null ? ExitBatchColumns.NO_THREAD : e.wokenThread(), columns.wokenThread(i));
            assertEquals(e.tracepoint().equals("kvm_apic_accept_irq") ? e.payload() : null, columns.payload(i));
        }
    }

    /** A batch without a wake-up or scheduler event stops reading at the vCPU column: no payload, no woken thread. */
    @Test
    void aBatchWithoutWakeUpsReadsNoPayload() {
        List<ExitEvent> events = sampleEvents().subList(0, 4);
        List<ExitEvent> wakeUpsFirst = new ArrayList<>(sampleEvents().subList(4, 6));
        wakeUpsFirst.addAll(sampleEvents().subList(0, 4));
        ExitBatchColumns columns = new ExitBatchColumns(WireCodec.exitEventBatches());
        columns.read(batchOf(wakeUpsFirst)); // payloads and a woken thread first: the arrays are reused
        columns.read(batchOf(events));
        assertColumnsMatch(events, columns);
        assertEquals(WireCodecTest.sampleExit().getVm(), columns.vm());
    }

    /**
     * The hand decoder ({@link ExitBatchColumns#read}) reads the body in the order and with the
     * types it was written for, unchecked: a batch written by Avro's own generic writer from the
     * schema, with every field a distinct value, must give every column. A reordered or retyped
     * field of the {@code .avsc} fails here.
     */
    @Test
    void theHandDecoderReadsWhatAvrosGenericWriterWrites() throws IOException {
        Schema schema = ExitEventBatch.getClassSchema();
        Schema reasonSchema = schema.getField("reasons").schema().getElementType();
        Schema nestedSchema = schema.getField("nestedEntry").schema().getElementType().getTypes().get(1);
        GenericRecord nested = new org.apache.avro.generic.GenericRecordBuilder(nestedSchema).set("rip", 101L).set("vmcb", 102L)
                .set("nestedRip", 103L).set("intCtl", 104L).set("eventInj", 105L).set("tdpEnabled", true).set("guestPgd", 106L)
                .build();
        GenericRecord batch = new org.apache.avro.generic.GenericRecordBuilder(schema)
                .set("host", "host-1").set("threadId", 2002).set("minTimestampNs", 3_000_000_003L).set("count", 2)
                .set("vm", "vm-4").set("app", "app-5").set("source", "source-6")
                .set("strings", List.of("EXIT", "VMX", "NESTED_VMEXIT", "SVM", "kvm_exit", "CPU 0/KVM"))
                .set("reasons", List.of(
                        new org.apache.avro.generic.GenericRecordBuilder(reasonSchema).set("name", "CPUID").set("code", 10L)
                                .set("flags", 0x20L).set("known", true).build(),
                        new org.apache.avro.generic.GenericRecordBuilder(reasonSchema).set("name", "MYSTERY").set("code", null)
                                .set("flags", 7L).set("known", false).build()))
                .set("timestampDeltaNs", List.of(11L, 13L)).set("sequenceDelta", List.of(17L, 19L))
                .set("kindIndex", List.of(0, 2)).set("isaIndex", List.of(1, 3)).set("reasonIndex", List.of(1, 0))
                .set("nestedEntry", java.util.Arrays.asList(null, nested))
                .set("lineNumberDelta", List.of(23L, 29L)).set("tracepointIndex", List.of(4, 4)).set("commIndex", List.of(5, 5))
                .set("pcpu", List.of(31, 37)).set("vcpu", List.of(41, 43)).set("guestRip", List.of(47L, 53L))
                .set("info1", List.of(59L, 61L)).set("info2", List.of(67L, 71L)).set("intrInfo", List.of(73L, 79L))
                .set("errorCode", List.of(83L, 89L)).set("payload", List.of("p-0", "p-1")).set("wokenThread", List.of(97, 98))
                .build();

        ExitBatchColumns columns = new ExitBatchColumns(WireCodec.exitEventBatches()).read(encodeGeneric(schema, batch));

        assertEquals("host-1", columns.host());
        assertEquals(2002, columns.threadId());
        assertEquals(3_000_000_003L, columns.minTimestampNs());
        assertEquals(2, columns.count());
        assertEquals("app-5", columns.app());
        assertEquals(List.of(3_000_000_014L, 3_000_000_027L), List.of(columns.timestampNs(0), columns.timestampNs(1)));
        assertEquals(List.of(17L, 36L), List.of(columns.sequence(0), columns.sequence(1)));
        assertEquals(List.of(io.smtreplay.trace.EventKind.EXIT, io.smtreplay.trace.EventKind.NESTED_VMEXIT),
                List.of(columns.kind(0), columns.kind(1)));
        assertEquals(new io.smtreplay.trace.ExitReason(io.smtreplay.trace.Isa.VMX, -1, "MYSTERY", 7, false), columns.reason(0));
        assertEquals(new io.smtreplay.trace.ExitReason(io.smtreplay.trace.Isa.SVM, 10, "CPUID", 0x20, true), columns.reason(1));
        assertEquals(List.of(false, true), List.of(columns.hasNestedEntry(0), columns.hasNestedEntry(1)));
        assertEquals(102L, columns.nestedVmcb(1));
        assertEquals("vm-4", columns.vm());
        assertEquals(List.of("kvm_exit", "kvm_exit"), List.of(columns.tracepoint(0), columns.tracepoint(1)));
        assertEquals(List.of(31, 37), List.of(columns.pcpu(0), columns.pcpu(1)));
        assertEquals(List.of(41, 43), List.of(columns.vcpu(0), columns.vcpu(1)));
    }

    /** The agent's events-lost mark keeps its kind through a batch: the job closes the open episode on it. */
    @Test
    void anEventsLostMarkIsKnownInTheColumns() {
        ExitEvent mark = ExitEventMapping.eventsLostMark(new io.smtreplay.trace.Labels("host-a", null, "memcached"), 699876, 3,
                WireCodecTest.sampleExit().getTimestampNs() + 5_000, 17, WireCodecTest.sampleExit().getSource(), 0);
        List<ExitEvent> events = new ArrayList<>(sampleEvents());
        events.add(ExitEvent.newBuilder(mark).setVm(events.get(0).getVm()).build());
        ExitBatchColumns columns = new ExitBatchColumns(WireCodec.exitEventBatches()).read(batchOf(events));
        int last = events.size() - 1;
        assertTrue(columns.isEventsLost(last));
        assertEquals(io.smtreplay.trace.EventKind.OTHER_KVM, columns.kind(last), "no trace event for the tracker");
        for (int i = 0; i < last; i++) {
            assertFalse(columns.isEventsLost(i));
        }
        assertEquals(events, ExitEventBatches.events(WireCodec.exitEventBatches().decode(batchOf(events))));
    }

    @Test
    void corruptBatchesFailWithTheCodecsError() {
        byte[] bytes = batchOf(sampleEvents());
        // cut inside the columns the model reads (the reader stops after them, at the payload)
        byte[] cut = java.util.Arrays.copyOf(bytes, WireCodec.bodyOffset() + 24);
        ExitBatchColumns columns = new ExitBatchColumns(WireCodec.exitEventBatches());
        assertThrows(WireCodec.WireFormatException.class, () -> columns.read(cut));
        assertTrue(WireCodec.exitEventBatches().knows(bytes));
        assertFalse(WireCodec.exitEvents().knows(bytes), "the two record types have their own fingerprints");
        assertTrue(WireCodec.exitEvents().knows(WireCodec.exitEvents().encode(WireCodecTest.sampleExit())));
    }

    /**
     * A newer writer added a column (an optional field ExitEvent may gain, here {@code cgroupId}) and
     * a kind this reader does not know: today's reader decodes the rest, the new kind as OTHER_KVM.
     */
    @Test
    void todaysReaderDecodesANewerWritersBatch() throws IOException {
        Schema newer = withAFutureColumn();
        List<ExitEvent> events = sampleEvents();
        GenericRecord record = asNewer(batchOf(events), newer);
        record.put("cgroupId", new ArrayList<>(java.util.Collections.nCopies(events.size(), 4242)));
        @SuppressWarnings("unchecked")
        List<Object> strings = (List<Object>) record.get("strings");
        int kindOfFirst = (Integer) ((List<?>) record.get("kindIndex")).get(0);
        strings.set(kindOfFirst, "VCPU_WAKEUP");
        byte[] bytes = encodeGeneric(newer, record);

        WireCodec<ExitEventBatch> reader = new WireCodec<>(ExitEventBatch.getClassSchema(), List.of(newer));
        List<ExitEvent> decoded = ExitEventBatches.events(reader.decode(bytes));
        assertEquals(events.size(), decoded.size());
        for (int i = 0; i < events.size(); i++) {
            boolean renamed = i == 0 || events.get(i).getKind() == events.get(0).getKind();
            ExitEvent expected = renamed ? ExitEvent.newBuilder(events.get(i)).setKind(EventKindCode.OTHER_KVM).build()
                    : events.get(i);
            assertEquals(expected, decoded.get(i));
        }
        ExitBatchColumns columns = new ExitBatchColumns(reader).read(bytes);
        assertEquals(io.smtreplay.trace.EventKind.OTHER_KVM, columns.kind(0));
        assertEquals(events.get(1).getTimestampNs(), columns.timestampNs(1));
    }

    /** A newer reader of today's batch: the column it added is null (absent), everything else as written. */
    @Test
    void newerReaderDecodesTodaysBatchWithTheColumnAbsent() throws IOException {
        Schema newer = withAFutureColumn();
        List<ExitEvent> events = sampleEvents();
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(ExitEventBatch.getClassSchema());
        GenericRecord decoded = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), newer, store)
                .decode(batchOf(events), null);
        assertNull(decoded.get("cgroupId"));
        assertEquals(events.size(), decoded.get("count"));
        assertEquals(events.size(), ((List<?>) decoded.get("payload")).size());
    }

    private static Schema withAFutureColumn() {
        String json = ExitEventBatch.getClassSchema().toString().replace("\"fields\":[{\"name\":\"host\"",
                "\"fields\":[{\"name\":\"cgroupId\",\"type\":[\"null\",{\"type\":\"array\",\"items\":[\"null\",\"int\"]}],"
                        + "\"default\":null},{\"name\":\"host\"");
        Schema newer = new Schema.Parser().parse(json);
        assertEquals(ExitEventBatch.getClassSchema().getFields().size() + 1, newer.getFields().size());
        return newer;
    }

    private static GenericRecord asNewer(byte[] todays, Schema newer) throws IOException {
        int body = WireCodec.bodyOffset();
        return new GenericDatumReader<GenericRecord>(ExitEventBatch.getClassSchema(), newer)
                .read(null, DecoderFactory.get().binaryDecoder(todays, body, todays.length - body, null));
    }

    private static byte[] encodeGeneric(Schema schema, GenericRecord record) throws IOException {
        java.nio.ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
