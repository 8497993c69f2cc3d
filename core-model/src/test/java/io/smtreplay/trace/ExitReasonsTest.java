package io.smtreplay.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitReasonsTest {

    @Test
    void everyNamingOfOneSvmReasonResolvesToTheSameCode() {
        ExitReason kernel = ExitReasons.byName("npf", Isa.UNKNOWN).orElseThrow();
        ExitReason plugin = ExitReasons.byName("EXIT_NPF", Isa.UNKNOWN).orElseThrow();
        assertEquals(Isa.SVM, kernel.isa());
        assertEquals(0x400, kernel.code());
        assertEquals(kernel, plugin);
        assertEquals(0x04d, ExitReasons.byName("GP excp", Isa.UNKNOWN).orElseThrow().code());
        assertEquals(0x04d, ExitReasons.byName("EXIT_EXCP_GP", Isa.UNKNOWN).orElseThrow().code());
    }

    @Test
    void legacyLowerCaseVmxNamesResolveToVmxCodes() {
        assertEquals(44, ExitReasons.byName("apic_access", Isa.UNKNOWN).orElseThrow().code());
        assertEquals(Isa.VMX, ExitReasons.byName("io_instruction", Isa.UNKNOWN).orElseThrow().isa());
        assertEquals(12, ExitReasons.byName("halt", Isa.UNKNOWN).orElseThrow().code());
    }

    @Test
    void namesBothIsasPrintFollowTheHint() {
        assertEquals(Isa.UNKNOWN, ExitReasons.isaOfName("cpuid"));
        assertEquals(10, ExitReasons.byName("cpuid", Isa.VMX).orElseThrow().code());
        assertEquals(0x072, ExitReasons.byName("cpuid", Isa.SVM).orElseThrow().code());
        assertEquals(Isa.SVM, ExitReasons.byName("cpuid", Isa.UNKNOWN).orElseThrow().isa());
    }

    @Test
    void unknownCodesAreKeptNotDropped() {
        ExitReason r = ExitReasons.byCode(Isa.VMX, 0x49);
        assertFalse(r.known());
        assertEquals(0x49, r.code());
        ExitReason byNumber = ExitReasons.byName("0x49", Isa.VMX).orElseThrow();
        assertEquals(r, byNumber);
        assertTrue(ExitReasons.byName("NOT_A_REASON", Isa.VMX).isEmpty());
    }

    @Test
    void vmxFlagsAreSplitFromTheBasicReason() {
        ExitReason r = ExitReasons.byCode(Isa.VMX, 0x8000_0021L);
        assertEquals("INVALID_STATE", r.name());
        assertTrue(r.failedVmEntry());
        assertEquals(0x8000_0021L, r.rawExitReason());
    }

    @Test
    void printedNamesRoundTripForEveryCodeAndNaming() {
        for (Isa isa : new Isa[] {Isa.VMX, Isa.SVM}) {
            for (long code : ExitReasons.kernelTable(isa).keySet()) {
                ExitReason reason = ExitReasons.byCode(isa, code);
                for (ExitReasonNaming naming : ExitReasonNaming.values()) {
                    String printed = ExitReasons.printedName(reason, naming);
                    if (printed.startsWith("0x") || printed.startsWith("UNKNOWN")) {
                        continue;
                    }
                    assertEquals(code, ExitReasons.byName(printed, isa).orElseThrow().code(), printed);
                }
            }
        }
    }

    @Test
    void idleReasonsAreHltAndMwait() {
        assertTrue(ExitReasons.isIdle(ExitReasons.byName("HLT", Isa.VMX).orElseThrow()));
        assertTrue(ExitReasons.isIdle(ExitReasons.byName("hlt", Isa.SVM).orElseThrow()));
        assertFalse(ExitReasons.isIdle(ExitReasons.byName("CPUID", Isa.VMX).orElseThrow()));
    }

    @Test
    void timestampsParseToNanosWithoutFloatingPoint() {
        assertEquals(83184_290326_000L, TraceTimestamps.parseSecondsToNanos("83184.290326"));
        assertEquals(15504452_408994_000L, TraceTimestamps.parseSecondsToNanos("15504452.408994"));
        assertEquals(4_013105123L, TraceTimestamps.parseSecondsToNanos("4.013105123"));
        assertEquals(7_000_000_000L, TraceTimestamps.parseSecondsToNanos("7"));
        assertEquals("83184.290326", TraceTimestamps.format(83184_290326_000L, 6));
        assertEquals("4.000001", TraceTimestamps.format(4_000001_999L, 6));
    }
}
