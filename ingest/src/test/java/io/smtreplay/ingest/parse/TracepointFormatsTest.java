package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Each print variant of the formats document, and each tool's prefix, one behaviour per test. */
class TracepointFormatsTest {

    private static TraceEvent only(String text) {
        return CollectingSink.onlyEvent(text);
    }

    private static RefusedLine refusedOnly(String text) {
        return CollectingSink.onlyRefused(text);
    }

    @Test
    void kernelKvmExitSince510TypesEveryField() {
        TraceEvent e = only("           repro-1289    [019] d....   140.314704: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0x1"
                + " info1 0x0000000000000181 info2 0x0000000080000301 intr_info 0x00000000 error_code 0x00000000");
        assertEquals(EventKind.EXIT, e.kind());
        assertEquals(Isa.VMX, e.isa());
        assertEquals("EPT_VIOLATION", e.reason().name());
        assertEquals(48, e.reason().code());
        assertEquals(0, e.vcpu());
        assertEquals(1L, e.guestRip());
        assertEquals(0x181L, e.info1());
        assertEquals(0x80000301L, e.info2());
        assertEquals(0L, e.intrInfo());
        assertEquals(0L, e.errorCode());
        assertEquals(1289, e.tid());
        assertEquals("repro", e.comm());
        assertEquals(19, e.pcpu());
        assertEquals(140_314_704_000L, e.timestampNs());
    }

    @Test
    void failedVmEntryFlagIsKeptOnTheReason() {
        TraceEvent e = only("kvm_exit: vcpu 1 reason INVALID_STATE FAILED_VMENTRY rip 0xfff0 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0");
        assertEquals("INVALID_STATE", e.reason().name());
        assertTrue(e.reason().failedVmEntry());
        assertEquals(Isa.VMX, e.isa());
    }

    @Test
    void oldKernelAndPluginKvmExitReadInfoAsInfo1AndInfo2() {
        TraceEvent e = only(" qemu-system-x86-23579 [005] 22018.775584: kvm_exit:             reason EPT_VIOLATION rip 0xfffff802987d6169 info 181 0");
        assertEquals(0x181L, e.info1());
        assertEquals(0L, e.info2());
        assertNull(e.intrInfo());
        assertEquals(0xfffff802987d6169L, e.guestRip());
        assertEquals(-1, e.vcpu());
    }

    @Test
    void linuxTwoSixLowerCaseVmxNamesResolve() {
        TraceEvent e = only("    kvm-5664  [000] 11906.220181: kvm_exit: reason apic_access rip 0xc011518c");
        assertEquals(Isa.VMX, e.isa());
        assertEquals(44, e.reason().code());
        assertEquals("kvm", e.comm());
        assertEquals(5664, e.tid());
    }

    @Test
    void svmKernelAndPluginNamesGiveOneReason() {
        TraceEvent kernel = only("kvm_exit: vcpu 0 reason npf rip 0x2000 info1 0x1 info2 0x2 intr_info 0x0 error_code 0x0");
        TraceEvent plugin = only("kvm_exit: reason EXIT_NPF rip 0x2000 info 1 2");
        assertEquals(Isa.SVM, kernel.isa());
        assertEquals(kernel.reason(), plugin.reason());
        assertEquals(0x400, plugin.reason().code());
    }

    @Test
    void multiWordSvmReasonIsOneReason() {
        TraceEvent e = only("kvm_exit: vcpu 0 reason GP excp rip 0x4015c2 info1 0x6a info2 0x0 intr_info 0x0 error_code 0x0");
        assertEquals("GP excp", e.reason().name());
        assertEquals(0x4d, e.reason().code());
        assertEquals(0x4015c2L, e.guestRip());
    }

    @Test
    void unknownReasonsAreKeptByCode() {
        CollectingSink s = CollectingSink.parse("kvm_exit: reason EPT_VIOLATION rip 0x1 info 0 0\n"
                + "kvm_exit: reason UNKNOWN (74) rip 0x1 info 0 0\n"
                + "kvm_exit: vcpu 0 reason 0x4b rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0\n");
        assertEquals(3, s.events.size());
        ExitReason plugin = s.events.get(1).event().reason();
        ExitReason kernel = s.events.get(2).event().reason();
        assertEquals(74, plugin.code());
        assertEquals(75, kernel.code());
        assertEquals(Isa.VMX, plugin.isa());
    }

    @Test
    void oldKernelNestedVmexitAndInjectFormats() {
        TraceEvent vmexit = only("kvm_nested_vmexit: rip: 0x0000000000401000 reason: EPT_VIOLATION ext_inf1: 0x0000000000000181"
                + " ext_inf2: 0x0000000000000000 ext_int: 0x00000000 ext_int_err: 0x00000000");
        assertEquals(EventKind.NESTED_VMEXIT, vmexit.kind());
        assertEquals(0x401000L, vmexit.guestRip());
        assertEquals(0x181L, vmexit.info1());
        TraceEvent inject = only("kvm_nested_vmexit_inject: reason: DR_ACCESS ext_inf1: 0x0000000000000216 ext_inf2: 0x0"
                + " ext_int: 0x00000000 ext_int_err: 0x00000000");
        assertEquals(EventKind.NESTED_VMEXIT_INJECT, inject.kind());
        assertEquals("DR_ACCESS", inject.reason().name());
        assertEquals(0x216L, inject.info1());
    }

    @Test
    void pluginNestedVmexitWithoutHexPrefixes() {
        TraceEvent e = only(" qemu-system-x86-9928  [022]   379.260656: kvm_nested_vmexit:    rip 400433 reason EXIT_NPF"
                + " info1 200000006 info2 641000 int_info 0 int_info_err 0");
        assertEquals(0x400433L, e.guestRip());
        assertEquals(0x200000006L, e.info1());
        assertEquals(0x641000L, e.info2());
        assertEquals(Isa.SVM, e.isa());
    }

    @Test
    void oldPluginCantFindFieldMarkersAreDroppedAndTheKernelTextRead() {
        TraceEvent e = only("           <...>-315119 [010]  3733.092646: kvm_nested_vmexit:    CAN'T FIND FIELD \"rip\"<CANT FIND FIELD"
                + " exit_code>vcpu 0 reason npf rip 0x400433 info1 0x0000000200000006 info2 0x0000000000641000 intr_info 0x00000000"
                + " error_code 0x00000000");
        assertEquals("npf", e.reason().name());
        assertEquals(0, e.vcpu());
        assertEquals(0x400433L, e.guestRip());
        assertEquals("<...>", e.comm());
        assertEquals(315119, e.tid());
    }

    @Test
    void nestedVmenterAndOldVmrunFillTheNestedEntry() {
        TraceEvent vmx = only("kvm_nested_vmenter: rip: 0xfffff8489b641308 vmcs: 0xffffffffffffffff nested_rip: 0xfffff8031964b2b6"
                + " int_ctl: 0x00000000 event_inj: 0x80000081 nested_ept=y nested_eptp: 0x00000001019a701e");
        assertEquals(Isa.VMX, vmx.isa());
        assertTrue(vmx.nestedEntry().tdpEnabled());
        assertEquals(0x1019a701eL, vmx.nestedEntry().guestPgd());
        assertEquals(0x80000081L, vmx.nestedEntry().eventInj());
        TraceEvent svm = only("kvm_nested_vmrun:     rip: 0xffffffffa0688ffa vmcb: 0x0000000103594000 nrip: 0xffffffff814b3b01"
                + " int_ctl: 0x01000001 event_inj: 0x80000036 npt: on");
        assertEquals(EventKind.NESTED_VMENTER, svm.kind());
        assertEquals(Isa.SVM, svm.isa());
        assertTrue(svm.nestedEntry().tdpEnabled());
        assertNull(svm.nestedEntry().guestPgd());
        assertEquals(0x103594000L, svm.nestedEntry().vmcb());
    }

    @Test
    void kvmEntryInItsThreeVariants() {
        assertEquals(3, only("kvm_entry: vcpu 3").vcpu());
        TraceEvent mid = only("kvm_entry: vcpu 0, rip 0xf7d6b");
        assertEquals(0xf7d6bL, mid.guestRip());
        TraceEvent imm = only("kvm_entry: vcpu 2, rip 0x1000[immediate exit]");
        assertEquals(2, imm.vcpu());
        assertEquals(0x1000L, imm.guestRip());
    }

    @Test
    void otherKvmEventsKeepTheirPayload() {
        TraceEvent e = only("             exe-110348  [006] d... 410259.258864: fast_page_fault: vcpu 1 gva 3fef42812000 error_code U");
        assertEquals(EventKind.OTHER_KVM, e.kind());
        assertEquals("fast_page_fault", e.tracepoint());
        assertEquals(1, e.vcpu());
        assertEquals("vcpu 1 gva 3fef42812000 error_code U", e.payload());
    }

    @Test
    void perfScriptWithSpacesInTheCommAndPidTid() {
        TraceEvent e = only("      CPU 0/KVM  699876 [020] 18136.763651:                       kvm:kvm_exit: reason VMRESUME rip 0xfffff8489b641308 info 0 0");
        assertEquals("CPU 0/KVM", e.comm());
        assertEquals(699876, e.tid());
        assertEquals(20, e.pcpu());
        assertEquals("VMRESUME", e.reason().name());
        TraceEvent tid = only("      CPU 1/KVM 699870/699877 [003] 18136.763651: kvm:kvm_entry: vcpu 1");
        assertEquals(699877, tid.tid());
        assertEquals("CPU 1/KVM", tid.comm());
    }

    @Test
    void ftraceCommWithSpacesAndTgidColumn() {
        TraceEvent e = only("       CPU 5/KVM-2137779 [010] d.... 798115.331413: kvm_msr: msr_write 6e0 = 0x81cba98c958c9");
        assertEquals("CPU 5/KVM", e.comm());
        assertEquals(2137779, e.tid());
        TraceEvent tgid = only("       CPU 5/KVM-2137779 (2137740) [010] d.... 798115.331413: kvm_entry: vcpu 5");
        assertEquals(2137779, tgid.tid());
        assertEquals(5, tgid.vcpu());
    }

    @Test
    void formatIsDetectedPerFile() {
        assertEquals(TraceFormat.FTRACE, CollectingSink.parse(
                "       challenge-24797 [003] d..1 83184.290326: kvm_entry: vcpu 0\n").summary.detectedFormat());
        assertEquals(TraceFormat.TRACE_CMD, CollectingSink.parse(
                " qemu-system-x86-6660  [007]   398.691444: kvm_entry:            vcpu 3\n").summary.detectedFormat());
        assertEquals(TraceFormat.PERF_SCRIPT, CollectingSink.parse(
                "      CPU 0/KVM  699876 [020] 18136.763647:                      kvm:kvm_entry: vcpu 0, rip 0x1\n").summary.detectedFormat());
        assertNull(CollectingSink.parse("hello\n").summary.detectedFormat());
    }

    @Test
    void timestampsAreExactToTheNanosecond() {
        assertEquals(15_504_452_408_994_000L, only("2021-12-12 16:11:10.214139            <...> 206966 .N.. [017] 15504452.408994:"
                + " kvm:kvm_exit: reason EXTERNAL_INTERRUPT rip 0xffffffff81c01f58 info 0 800000fd").timestampNs());
        assertEquals(4_013_105_123L, only("  t-1 [000] ..... 4.013105123: kvm_entry: vcpu 0").timestampNs());
    }

    @Test
    void anAuthorsLabelBeforeARecordIsDroppedAndTheRecordKept() {
        TraceEvent e = only(" B:        CPU 0/KVM-7289    [023] d....  2925.640967: kvm_exit: vcpu 0 reason EXTERNAL_INTERRUPT intr_info 0x800000ec");
        assertEquals("CPU 0/KVM", e.comm());
        assertEquals(0x800000ecL, e.intrInfo());
    }

    @Test
    void mailQuotesAreStripped() {
        TraceEvent e = only("> kvm_userspace_exit:   reason KVM_EXIT_INTR (10)");
        assertEquals(EventKind.USERSPACE_EXIT, e.kind());
    }

    @Test
    void perfHeaderAndPayloadWrappedOverThreeLinesAreJoined() {
        CollectingSink s = CollectingSink.parse(
                "      CPU 0/KVM  699876 [020] 18136.763707:              kvm:kvm_nested_vmexit:\n"
                        + "CAN'T FIND FIELD \"rip\"<CANT FIND FIELD exit_code>vcpu 0 reason MSR_WRITE rip\n"
                        + "0xfffff8030f62d36c info1 0x0000000000000000 info2 0x0000000000000000 intr_info\n"
                        + "0x00000000 error_code 0x00000000\n"
                        + "      ————————————— L2 services the interrupt\n");
        assertEquals(1, s.events.size());
        TraceEvent e = s.events.get(0).event();
        assertEquals(0xfffff8030f62d36cL, e.guestRip());
        assertEquals(0L, e.errorCode());
        assertEquals(1, s.refused.size());
        assertEquals(5, s.refused.get(0).lineNumber());
    }

    @Test
    void ftracePrefixWrappedBeforeTheEventIsJoined() {
        CollectingSink s = CollectingSink.parse("qemu-system-x86-5665  [000] ....   280.971121:\n"
                + " kvm_exit: reason EXTERNAL_INTERRUPT rip 0x22da info 0 800000fd\n"
                + "qemu-system-x86-5659  [007] ....   280.971116:\n"
                + " tracing_mark_write: pckbd_kbd_update_irq kbd=0 aux=1\n");
        assertEquals(1, s.events.size());
        assertEquals(5665, s.events.get(0).event().tid());
        assertEquals(2, s.refused.size());
        assertTrue(s.refused.stream().allMatch(r -> r.reason() == RefusalReason.NOT_KVM_EVENT));
    }

    @Test
    void aLineEndingMidFieldIsContinued() {
        CollectingSink s = CollectingSink.parse(" <...>-62588 [031] 2758596.349025: kvm_userspace_exit:   reason\n"
                + "KVM_EXIT_UNKNOWN (0)\n"
                + "  kvm_exit:             reason EXIT_NPF rip 0xffffffffffbbe119 info\n"
                + "    200000006 1ab000\n");
        assertEquals(2, s.events.size());
        assertEquals("reason KVM_EXIT_UNKNOWN (0)", s.events.get(0).event().payload());
        assertEquals(0x1ab000L, s.events.get(1).event().info2());
        assertTrue(s.refused.isEmpty());
    }

    @Test
    void aShortenedRecordIsNotJoinedWithTheProseAfterIt() {
        CollectingSink s = CollectingSink.parse("           CPU 0/KVM-7289    [023] d....  2925.640987: kvm_exit: vcpu 0 reason HLT\n"
                + "    L1 reads DR6 (confirms failure)\n");
        assertEquals(1, s.events.size());
        assertEquals(RefusalReason.ANNOTATION, s.refused.get(0).reason());
    }

    @Test
    void formatFlowedSoftBreakIsJoined() {
        CollectingSink s = CollectingSink.parse("kvm_exit: vcpu 0 reason HLT rip 0x1 info1 0x0 \ninfo2 0x0 intr_info 0x0 error_code 0x0\n");
        assertEquals(1, s.events.size());
        assertEquals(0L, s.events.get(0).event().errorCode());
    }

    @Test
    void refusalsSayWhy() {
        assertEquals(RefusalReason.TRUNCATED, refusedOnly("       challenge-24797 [003] .... 83184.290416: kvm_exit").reason());
        assertEquals(RefusalReason.NOT_KVM_EVENT, refusedOnly(" qemu-system-x86-18971   [015] ..... 95922.997052:"
                + " p_hv_track_root_tdp_0: (hv_track_root_tdp+0x0/0x70 [kvm]) si=0x18b082000").reason());
        assertEquals(RefusalReason.NOT_KVM_EVENT, refusedOnly("           CPU 0/KVM-7289    [023] d....  2925.640963:"
                + " <hack>: Set DRs, DR6 = 0xffff0ff1").reason());
        assertEquals(RefusalReason.FTRACE_HEADER, refusedOnly("# tracer: nop").reason());
        assertEquals(RefusalReason.FTRACE_HEADER, refusedOnly("cpus=2").reason());
        assertEquals(RefusalReason.TABLE, refusedOnly("           MSR_WRITE        232    75.08%     0.00%      0.24us     15.62us"
                + "      0.78us ( +-  11.73% )").reason());
        assertEquals(RefusalReason.TABLE, refusedOnly(" kvm_entry                                      1133   20.5       80").reason());
        assertEquals(RefusalReason.TABLE, refusedOnly("      1,880 kvm:kvm_entry                                                [100.00%]").reason());
        assertEquals(RefusalReason.COMMAND, refusedOnly("# perf kvm stat report").reason());
        assertEquals(RefusalReason.SEPARATOR, refusedOnly("> ====================").reason());
        assertEquals(RefusalReason.BLANK, refusedOnly("   ").reason());
        assertEquals(RefusalReason.TRUNCATED, refusedOnly("kvm_entry:").reason());
        assertEquals(RefusalReason.MALFORMED_KVM_EVENT, refusedOnly("kvm_exit: reason HLT rip 0xzz info 0 0").reason());
    }

    @Test
    void gzipIsRecognizedByItsMagicBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("kvm_entry: vcpu 0\nkvm_exit: reason HLT rip 0x1 info 0 0\n".getBytes(StandardCharsets.UTF_8));
        }
        CollectingSink s = new CollectingSink();
        ReadSummary summary = TraceFileReader.read("x", new java.io.ByteArrayInputStream(bytes.toByteArray()), s);
        assertEquals(2, summary.events());
        assertFalse(s.events.get(1).event().hasTimestamp());
        assertEquals(1, s.events.get(1).sequence());
        assertEquals(2, s.events.get(1).lineNumber());
    }
}
