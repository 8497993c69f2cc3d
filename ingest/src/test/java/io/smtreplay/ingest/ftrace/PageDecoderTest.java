package io.smtreplay.ingest.ftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.ingest.parse.CollectingSink;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pages written here as the kernel writes them (header_page/header_event of kernel 6.18, event
 * headers per include/linux/ring_buffer.h), with kvm_exit in 6.18's layout, which differs from the
 * 6.1 fixture's: the decoder must follow the format file, not offsets it knows.
 */
class PageDecoderTest {
    static final String HEADER_PAGE = """
            \tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;
            \tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;
            \tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;
            \tfield: char data;\toffset:16;\tsize:%d;\tsigned:1;
            """;
    static final String HEADER_EVENT = """
            # compressed entry header
            \ttype_len    :    5 bits
            \ttime_delta  :   27 bits
            \tarray       :   32 bits

            \tpadding     : type == 29
            \ttime_extend : type == 30
            \ttime_stamp : type == 31
            \tdata max type_len  == 28
            """;
    /** The fields every event starts with. */
    static final String COMMON_FIELDS = """
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;
            """;
    static final String KVM_EXIT_6_18 = """
            name: kvm_exit
            ID: 1700
            format:
            {common}
            \tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;
            \tfield:unsigned long guest_rip;\toffset:16;\tsize:8;\tsigned:0;
            \tfield:u32 isa;\toffset:24;\tsize:4;\tsigned:0;
            \tfield:u64 info1;\toffset:32;\tsize:8;\tsigned:0;
            \tfield:u64 info2;\toffset:40;\tsize:8;\tsigned:0;
            \tfield:u32 intr_info;\toffset:48;\tsize:4;\tsigned:0;
            \tfield:u32 error_code;\toffset:52;\tsize:4;\tsigned:0;
            \tfield:unsigned int vcpu_id;\toffset:56;\tsize:4;\tsigned:0;
            \tfield:u64 requests;\toffset:64;\tsize:8;\tsigned:0;

            print fmt: "vcpu %u reason %s%s%s rip 0x%lx info1 0x%016llx info2 0x%016llx intr_info 0x%08x error_code 0x%08x requests 0x%016llx", REC->vcpu_id, __print_symbolic(REC->exit_reason, { 12, "HLT" }), "", "", REC->guest_rip, REC->info1, REC->info2, REC->intr_info, REC->error_code, REC->requests
            """.replace("{common}", COMMON_FIELDS);
    static final String SCHED_WAKEUP = """
            name: sched_wakeup
            ID: 300
            format:
            {common}
            \tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;
            \tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;

            print fmt: "comm=%s pid=%d", REC->comm, REC->pid
            """.replace("{common}", COMMON_FIELDS);

    /** 6.1's wake-up by the local APIC: its text is what the model reads the target vCPU from. */
    static final String APIC_ACCEPT_IRQ = """
            name: kvm_apic_accept_irq
            ID: 1710
            format:
            {common}
            \tfield:__u32 apicid;\toffset:8;\tsize:4;\tsigned:0;
            \tfield:__u16 dm;\toffset:12;\tsize:2;\tsigned:0;
            \tfield:__u16 tm;\toffset:14;\tsize:2;\tsigned:0;
            \tfield:__u8 vec;\toffset:16;\tsize:1;\tsigned:0;

            print fmt: "apicid %x vec %u (%s|%s)", REC->apicid, REC->vec, __print_symbolic((REC->dm >> 8 & 0x7), { 0, "Fixed" }), REC->tm ? "level" : "edge"
            """.replace("{common}", COMMON_FIELDS);

    /** 6.1's MSI wake-up: its text prints the target from a shifted, cast field. */
    static final String MSI_SET_IRQ = """
            name: kvm_msi_set_irq
            ID: 1711
            format:
            {common}
            \tfield:__u64 address;\toffset:8;\tsize:8;\tsigned:0;
            \tfield:__u64 data;\toffset:16;\tsize:8;\tsigned:0;

            print fmt: "dst %llx vec %u (%s|%s|%s%s)", (u8)(REC->address >> 12), (u8)REC->data, __print_symbolic((REC->data >> 8 & 0x7), { 0, "Fixed" }), (REC->address & (1<<2)) ? "logical" : "physical", (REC->data & (1<<15)) ? "level" : "edge", (REC->address & (1<<3)) ? "|rh" : ""
            """.replace("{common}", COMMON_FIELDS);

    static EventFormats formats(int subBufferSize) throws Exception {
        RingBufferLayout layout = RingBufferLayout.parse(HEADER_PAGE.formatted(subBufferSize - 16), HEADER_EVENT,
                ByteOrder.LITTLE_ENDIAN);
        return new EventFormats(layout, List.of(EventFormat.parse("kvm", KVM_EXIT_6_18), EventFormat.parse("sched", SCHED_WAKEUP),
                EventFormat.parse("kvm", APIC_ACCEPT_IRQ), EventFormat.parse("kvm", MSI_SET_IRQ)));
    }

    /** Writes a page the way the ring buffer does. */
    static final class PageWriter {
        final ByteBuffer page;
        int pos = 16;

        PageWriter(int size, long timestamp) {
            page = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            page.putLong(0, timestamp);
        }

        PageWriter header(int typeLen, int delta) {
            page.putInt(pos, typeLen | (delta << 5));
            pos += 4;
            return this;
        }

        PageWriter word(int w) {
            page.putInt(pos, w);
            pos += 4;
            return this;
        }

        /** A kvm_exit record in 6.18's layout (72 bytes: type_len 18). */
        PageWriter kvmExit(int delta, int pid, long reason, int isa, long rip, int vcpu) {
            header(18, delta);
            int r = pos;
            page.putShort(r, (short) 1700).putInt(r + 4, pid).putInt(r + 8, (int) reason).putLong(r + 16, rip)
                    .putInt(r + 24, isa).putLong(r + 32, 0x181).putLong(r + 40, 0x80000301L).putInt(r + 48, 0x800000ec)
                    .putInt(r + 52, 6).putInt(r + 56, vcpu).putLong(r + 64, 0);
            pos += 72;
            return this;
        }

        ByteBuffer commit(long flags) {
            page.putLong(8, (pos - 16) | flags);
            return page;
        }
    }

    private static CollectingSink decode(EventFormats formats, ByteBuffer page) throws Exception {
        return decode(formats, page, EventDecoder.Payload.WHERE_READ);
    }

    private static CollectingSink decode(EventFormats formats, ByteBuffer page, EventDecoder.Payload payload) throws Exception {
        DecodedPage decoded = new DecodedPage();
        new PageDecoder(formats.layout()).decode(page, 0, decoded);
        CollectingSink sink = new CollectingSink();
        EventDecoder events = new EventDecoder(formats, "test", pid -> "CPU 0/KVM").withPayload(payload);
        events.decodePage(decoded, 3, sink);
        sink.summary = events.summary();
        return sink;
    }

    @Test
    void timeDeltasExtendsAndAbsoluteStampsAccumulateFromThePageTimestamp() throws Exception {
        EventFormats f = formats(4096);
        PageWriter w = new PageWriter(4096, 1_000_000);
        w.kvmExit(10, 77, 12, 1, 0xfff0, 2);
        w.header(30, 5).word(3); // time extend: 3 << 27 + 5
        w.kvmExit(1, 77, 12, 1, 0xfff1, 2);
        w.header(31, 7).word(0); // absolute: 7
        w.kvmExit(0, 77, 12, 1, 0xfff2, 2);
        w.header(29, 1).word(12).word(0).word(0); // padding of a discarded event: array[0] = its 16 bytes - the header
        w.kvmExit(4, 77, 12, 1, 0xfff3, 2);
        CollectingSink sink = decode(f, w.commit(0), EventDecoder.Payload.EVERY_EVENT);

        assertEquals(4, sink.events.size());
        long t0 = 1_000_010;
        long t1 = t0 + (3L << 27) + 5 + 1;
        assertEquals(List.of(t0, t1, 7L, 11L), sink.events.stream().map(e -> e.event().timestampNs()).toList());
        TraceEvent e = sink.events.get(0).event();
        assertEquals(new ExitReason(Isa.VMX, 12, "HLT", 0, true), e.reason());
        assertEquals(Isa.VMX, e.isa());
        assertEquals(2, e.vcpu());
        assertEquals(0xfff0L, e.guestRip());
        assertEquals(0x181L, e.info1());
        assertEquals(0x80000301L, e.info2());
        assertEquals(0x800000ecL, e.intrInfo());
        assertEquals(6L, e.errorCode());
        assertEquals(77, e.tid());
        assertEquals(3, e.pcpu());
        assertEquals("CPU 0/KVM", e.comm());
        assertTrue(e.payload().startsWith("exit_reason=12 guest_rip=0xfff0 isa=1 info1=0x181 "), e.payload());
        assertTrue(e.payload().endsWith("vcpu_id=2 requests=0x0"), e.payload());
    }

    @Test
    void aFailedVmEntryKeepsItsFlagAndAnUnknownCodeIsKept() throws Exception {
        PageWriter w = new PageWriter(4096, 0);
        w.kvmExit(1, 5, 0x8000_0021L, 1, 0, 0);
        w.kvmExit(1, 5, 0x3ff, 2, 0, 0);
        CollectingSink sink = decode(formats(4096), w.commit(0));
        ExitReason failed = sink.events.get(0).event().reason();
        assertEquals("INVALID_STATE", failed.name());
        assertTrue(failed.failedVmEntry());
        ExitReason unknown = sink.events.get(1).event().reason();
        assertEquals(Isa.SVM, unknown.isa());
        assertFalse(unknown.known());
        assertEquals(0x3ff, unknown.code());
    }

    @Test
    void missedEventsWithTheirStoredCountComeBeforeThePagesEvents() throws Exception {
        PageWriter w = new PageWriter(4096, 0);
        w.kvmExit(1, 5, 12, 1, 0, 0);
        int end = w.pos;
        w.page.putLong(end, 1234); // the count, stored after the data
        CollectingSink sink = decode(formats(4096), w.commit(RingBufferLayout.MISSED_EVENTS | RingBufferLayout.MISSED_STORED));
        assertEquals(1, sink.lost.size());
        assertEquals(1234, sink.lost.get(0).count());
        assertEquals(3, sink.lost.get(0).pcpu());
        assertEquals(1, sink.lost.get(0).lineNumber());
        assertEquals("CPU:3 [LOST 1234 EVENTS]", sink.refused.get(0).text());
        assertEquals(RefusalReason.EVENTS_LOST, sink.refused.get(0).reason());
        assertEquals(2, sink.events.get(0).lineNumber(), "the lost mark comes first");
        assertEquals(Map.of(RefusalReason.EVENTS_LOST, 1L), sink.summary.refusedByReason());
    }

    @Test
    void anUncountedLossIsStillSignalled() throws Exception {
        PageWriter w = new PageWriter(4096, 0);
        w.kvmExit(1, 5, 12, 1, 0, 0);
        CollectingSink sink = decode(formats(4096), w.commit(RingBufferLayout.MISSED_EVENTS));
        assertEquals(1, sink.lost.size());
        assertEquals(0, sink.lost.get(0).count(), "0 when the kernel did not say");
        assertEquals("CPU:3 [LOST EVENTS]", sink.refused.get(0).text());
    }

    @Test
    void subBuffersLargerThan4KiBAreReadWhole() throws Exception {
        int size = 16384; // buffer_subbuf_size_kb = 16 (kernels >= 6.8)
        EventFormats f = formats(size);
        assertEquals(size, f.layout().subBufferSize());
        PageWriter w = new PageWriter(size, 0);
        int n = (size - 16) / 76;
        for (int i = 0; i < n; i++) {
            w.kvmExit(1, 5, 12, 1, i, 0);
        }
        CollectingSink sink = decode(f, w.commit(0));
        assertEquals(n, sink.events.size());
        assertTrue(n * 76 > 4096 * 3);
        assertEquals((long) n - 1, sink.events.get(n - 1).event().guestRip());
    }

    /** A page with a kvm_exit, a kvm_apic_accept_irq for APIC 0x1a vector 236, a kvm_msi_set_irq for APIC 3 vector 129. */
    private static ByteBuffer exitAndApicWakeUp() {
        PageWriter w = new PageWriter(4096, 0);
        w.kvmExit(1, 5, 12, 1, 0x1000, 2);
        w.header(5, 1);
        w.page.putShort(w.pos, (short) 1710).putInt(w.pos + 4, 5).putInt(w.pos + 8, 0x1a).putShort(w.pos + 12, (short) 0)
                .putShort(w.pos + 14, (short) 1).put(w.pos + 16, (byte) 236);
        w.pos += 20;
        w.header(6, 1);
        w.page.putShort(w.pos, (short) 1711).putInt(w.pos + 4, 5).putLong(w.pos + 8, 0xfee03000L)
                .putLong(w.pos + 16, 0x4081L);
        w.pos += 24;
        return w.commit(0);
    }

    @Test
    void onlyTheWakeUpsTheModelReadsByTextGetTheirKernelTextByDefault() throws Exception {
        CollectingSink sink = decode(formats(4096), exitAndApicWakeUp());
        assertEquals(3, sink.events.size());
        assertEquals("", sink.events.get(0).event().payload(), "an exit's typed fields hold what is read");
        assertEquals(12, sink.events.get(0).event().reason().code());
        assertEquals("apicid 1a vec 236", sink.events.get(1).event().payload(),
                "printed as the kernel does, up to the first argument that is not a plain field");
        assertEquals("dst 3 vec 129", sink.events.get(2).event().payload(), "(u8)(REC->address >> 12), (u8)REC->data");
        assertTrue(io.smtreplay.projection.WakeUpTarget.namesAVcpu("kvm_apic_accept_irq"));
    }

    @Test
    void everyEventGetsItsFieldsAsTextWhenAskedFor() throws Exception {
        CollectingSink sink = decode(formats(4096), exitAndApicWakeUp(), EventDecoder.Payload.EVERY_EVENT);
        assertTrue(sink.events.get(0).event().payload().startsWith("exit_reason=12 guest_rip=0x1000 "));
        assertEquals("apicid 1a vec 236", sink.events.get(1).event().payload());
    }

    @Test
    void longRecordsSchedWakeupsAndUnknownIdsAreEachAccountedFor() throws Exception {
        PageWriter w = new PageWriter(4096, 0);
        // type_len 0: the length word (data + 4) precedes the data
        w.header(0, 1).word(28 + 4);
        w.page.putShort(w.pos, (short) 300).putInt(w.pos + 4, 9).put(w.pos + 8, (byte) 'k').putInt(w.pos + 24, 42);
        w.pos += 28;
        w.header(2, 1);
        w.page.putShort(w.pos, (short) 999);
        w.pos += 8;
        w.kvmExit(1, 5, 12, 1, 0, 0);
        CollectingSink sink = decode(formats(4096), w.commit(0));
        assertEquals(2, sink.events.size());
        TraceEvent wakeup = sink.events.get(0).event();
        assertEquals(io.smtreplay.trace.EventKind.SCHED_WAKEUP, wakeup.kind());
        assertEquals(42, wakeup.wokenThread(), "the woken task's pid, read by field name");
        assertEquals(9, wakeup.tid());
        assertEquals(null, sink.events.get(1).event().wokenThread());
        assertEquals(List.of(RefusalReason.UNRECOGNIZED), sink.refused.stream().map(r -> r.reason()).toList());
        assertEquals(3, sink.summary.lines());
    }

    @Test
    void aCommitLongerThanThePageIsCorruptAtTheCommitField() throws Exception {
        PageWriter w = new PageWriter(4096, 0);
        w.kvmExit(1, 5, 12, 1, 0, 0);
        ByteBuffer page = w.commit(0);
        page.putLong(8, 5000);
        CorruptTraceException e = assertThrows(CorruptTraceException.class,
                () -> new PageDecoder(formats(4096).layout()).decode(page, 0, new DecodedPage()));
        assertEquals(8, e.offset());
    }

    @Test
    void aRecordRunningPastTheCommitIsCorruptAtItsHeader() throws Exception {
        PageWriter w = new PageWriter(4096, 0);
        w.kvmExit(1, 5, 12, 1, 0, 0);
        ByteBuffer page = w.commit(0);
        page.putLong(8, 40); // cuts the 76-byte record
        CorruptTraceException e = assertThrows(CorruptTraceException.class,
                () -> new PageDecoder(formats(4096).layout()).decode(page, 0, new DecodedPage()));
        assertEquals(16, e.offset());
    }
}
