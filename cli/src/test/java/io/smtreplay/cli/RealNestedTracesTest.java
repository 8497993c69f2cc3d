package io.smtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeLog;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.episode.IncompleteReason;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.parse.TraceRecordSink;
import io.smtreplay.ingest.testing.SharedTraces;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tracker on the real nested traces in ../shared/traces. The expected episodes were written
 * from reading each file (how, in each test), not from the tracker's output.
 */
class RealNestedTracesTest {

    /** What the trackers of one file emitted. */
    static final class Tracked {
        final EpisodeLog log = new EpisodeLog();
        final List<Episode> episodes = log.episodes();
        final List<GuestInterval> guest = log.guestIntervals();
        final Map<Integer, EpisodeTracker> trackers = new LinkedHashMap<>();
        long refused;

        Map<EpisodeType, Long> byType() {
            Map<EpisodeType, Long> map = new EnumMap<>(EpisodeType.class);
            episodes.forEach(e -> map.merge(e.type(), 1L, Long::sum));
            return map;
        }

        Map<IncompleteReason, Long> incomplete() {
            Map<IncompleteReason, Long> map = new EnumMap<>(IncompleteReason.class);
            episodes.stream().filter(e -> !e.isComplete()).forEach(e -> map.merge(e.incomplete(), 1L, Long::sum));
            return map;
        }

        long complete(EpisodeType type) {
            return episodes.stream().filter(e -> e.type() == type && e.isComplete()).count();
        }

        long levelMismatches() {
            return trackers.values().stream().mapToLong(t -> t.counters().levelMismatches()).sum();
        }
    }

    static Tracked track(String fileName) throws Exception {
        Tracked tracked = new Tracked();
        TraceFileReader.read(SharedTraces.named(fileName).toString(), new TraceRecordSink() {
            @Override
            public void onEvent(ParsedEvent parsed) {
                tracked.trackers.computeIfAbsent(parsed.event().tid(), EpisodeTracker::new)
                        .accept(parsed.event(), tracked.log);
            }

            @Override
            public void onRefused(RefusedLine line) {
                tracked.refused++;
            }
        });
        tracked.trackers.values().forEach(t -> t.finish(tracked.log));
        return tracked;
    }

    /**
     * Counted with awk over the file: 18083 kvm_exit, 6025 kvm_nested_vmexit, 6000
     * kvm_nested_vmexit_inject, 6000 kvm_nested_vmenter. Every inject is an L2 exit reflected
     * to L1 (cpuid, io, hlt of the tiny VMM's L2 loop); 5999 of them end with L1's vmrun +
     * kvm_nested_vmenter + kvm_entry, the last one (hlt) is still in L1 when the trace ends (L1
     * does io, io, hlt). The 25 other L2 exits (2 npf at start-up, 23 external interrupts) are
     * followed by an entry with no inject: handled by L0. Of the 12058 L1 exits, 12053 fall
     * between an inject and the next vmenter (5947 reflections with io + vmrun, 52 with an npf
     * before them, and the last with io, io, hlt); the other 5 are L1's own exits before it first
     * runs L2 (npf, npf, msr, npf, and the vmrun that launches L2).
     */
    @Test
    void labNestedSvmTraceGivesItsReflectedExits() throws Exception {
        Tracked t = track("svm-nested-tinyvmm-k6.1-n2000.txt.gz");
        assertEquals(Map.of(EpisodeType.L2_EXIT_REFLECTED, 6000L, EpisodeType.L2_EXIT_HANDLED_BY_L0, 25L,
                EpisodeType.L1_EXIT, 5L), t.byType());
        assertEquals(Map.of(IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
        assertEquals(5999, t.complete(EpisodeType.L2_EXIT_REFLECTED));
        long innerTraps = t.episodes.stream().filter(e -> e.type() == EpisodeType.L2_EXIT_REFLECTED)
                .mapToLong(Episode::l1ToL0).sum();
        assertEquals(12053, innerTraps);
        long threeTraps = t.episodes.stream().filter(e -> e.isComplete() && e.l1ToL0() == 3).count();
        assertEquals(52, threeTraps);
        assertEquals(0, t.levelMismatches());
        Episode last = t.episodes.stream().filter(e -> !e.isComplete()).findFirst().orElseThrow();
        assertEquals("hlt", last.outerReason().name());
        assertTrue(last.idle());
        assertEquals(List.of("io", "io", "hlt"), last.innerReasons().stream().map(r -> r.name()).toList());
        // The first reflected episode: cpuid at 4.044416 s, vmrun's entry back into L2 at 4.045624 s.
        Episode first = t.episodes.stream().filter(e -> e.type() == EpisodeType.L2_EXIT_REFLECTED).findFirst()
                .orElseThrow();
        assertEquals(4_044_416_000L, first.startNs());
        assertEquals(4_045_624_000L, first.endNs());
        assertEquals("cpuid", first.injectedReason().name());
    }

    /** 4015 kvm_exit, no nested event: every exit is an L1 exit; the last (hlt) has no entry after it. */
    @Test
    void labSingleLevelTraceHasOnlyL1Exits() throws Exception {
        Tracked t = track("svm-single-tinyvmm-k6.1-n2000.txt.gz");
        assertEquals(Map.of(EpisodeType.L1_EXIT, 4015L), t.byType());
        assertEquals(Map.of(IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
    }

    /**
     * Old VMX formats (trace-cmd, Jailhouse in L1): the file starts with a kvm_nested_vmexit
     * whose kvm_exit is cut off, then two IO_INSTRUCTION exits of L2 that L0 sends to QEMU
     * (kvm_userspace_exit) and resumes into L2 without inject; the last has no entry.
     */
    @Test
    void jailhouseIoLoopIsHandledByL0() throws Exception {
        Tracked t = track("nested-vmx-jailhouse-l1-l2-io-loop-lkml-2019.txt");
        assertEquals(Map.of(EpisodeType.L2_EXIT_HANDLED_BY_L0, 3L), t.byType());
        assertEquals(Map.of(IncompleteReason.STARTED_BEFORE_TRACE, 1L, IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
        Episode whole = t.episodes.get(1);
        assertEquals(398_691_530_000L - 398_691_475_000L, whole.durationNs());
        assertEquals("IO_INSTRUCTION", whole.outerReason().name());
        assertEquals(List.of(new GuestInterval(6660, io.smtreplay.episode.Level.L2, 398_691_444_000L, 398_691_475_000L),
                new GuestInterval(6660, io.smtreplay.episode.Level.L2, 398_691_530_000L, 398_691_533_000L)), t.guest);
    }

    /**
     * Two L2 exits L0 handles (EXCEPTION_NMI, EPT_VIOLATION, each with kvm_nested_vmexit and an
     * entry); then, after a cut, an EPT_VIOLATION exit with no kvm_nested_vmexit (so, as printed,
     * an L1 exit, while L2 was running: one level mismatch) and no entry before the next exit
     * (MISSING_ENTRY); the last EPT_VIOLATION of L2 has no entry (TRACE_ENDED).
     */
    @Test
    void eptViolationVectoringLoopShowsItsCuts() throws Exception {
        Tracked t = track("nested-vmx-l2-ept-violation-vectoring-hlt-loop-lkml-2025.txt");
        assertEquals(Map.of(EpisodeType.L2_EXIT_HANDLED_BY_L0, 3L, EpisodeType.L1_EXIT, 1L), t.byType());
        assertEquals(2, t.complete(EpisodeType.L2_EXIT_HANDLED_BY_L0));
        assertEquals(Map.of(IncompleteReason.MISSING_ENTRY, 1L, IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
        assertEquals(1, t.levelMismatches());
        assertEquals(4_000, t.episodes.get(0).durationNs());
    }

    /**
     * No timestamps, no threads (a mail excerpt, blank lines where lines were cut). It starts
     * with an inject (an L2 exit reflected before the excerpt), L1's VMRESUME (4.x: no vmenter
     * tracepoint) takes it back to L2; then PREEMPTION_TIMER exits of L2 reflected as
     * EXTERNAL_INTERRUPT, whose entry into L1 is cut once (EOI_INDUCED follows the inject
     * directly); the excerpt ends on L1's VMRESUME.
     */
    @Test
    void hyperVPreemptionTimerLoopKeepsItsStructureWithoutTimestamps() throws Exception {
        Tracked t = track("nested-vmx-hyperv-preemption-timer-eoi-loop-lkml-2019.txt");
        assertEquals(Map.of(EpisodeType.L2_EXIT_REFLECTED, 3L), t.byType());
        assertEquals(Map.of(IncompleteReason.STARTED_BEFORE_TRACE, 1L, IncompleteReason.MISSING_ENTRY, 1L,
                IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
        Episode second = t.episodes.get(1);
        assertEquals("PREEMPTION_TIMER", second.outerReason().name());
        assertEquals("EXTERNAL_INTERRUPT", second.injectedReason().name());
        assertEquals(List.of("EOI_INDUCED", "VMRESUME"), second.innerReasons().stream().map(r -> r.name()).toList());
        assertTrue(t.episodes.stream().noneMatch(Episode::hasTime));
    }

    /**
     * perf script, lines wrapped, two excerpts of two vCPU threads. 699876: an inject of
     * EXTERNAL_INTERRUPT (its L2 exit before the excerpt), L1's VMRESUME + kvm_nested_vmenter
     * back into L2; an EPT_MISCONFIG of L2 handled by L0 (QEMU MMIO); an MSR_WRITE of L2
     * reflected to L1, whose own MSR_WRITE ends the excerpt. 655470: an inject, L1's MSR_WRITE
     * (EOI) to QEMU, end.
     */
    @Test
    void credentialGuardPerfScriptExcerpts() throws Exception {
        Tracked t = track("nested-vmx-windows-credential-guard-perf-script-wrapped-bugzilla220549-2025.txt");
        assertEquals(Map.of(EpisodeType.L2_EXIT_REFLECTED, 3L, EpisodeType.L2_EXIT_HANDLED_BY_L0, 1L), t.byType());
        assertEquals(Map.of(IncompleteReason.STARTED_BEFORE_TRACE, 2L, IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
        Episode mmio = t.episodes.stream().filter(Episode::isComplete).findFirst().orElseThrow();
        assertEquals("EPT_MISCONFIG", mmio.outerReason().name());
        assertEquals(18136_763_714_000L - 18136_763_707_000L, mmio.durationNs());
        assertTrue(t.refused > 0, "the prose lines are refused, not dropped");
    }

    /**
     * L0's view (thread 5046): a DR_ACCESS of L2 reflected to L1, L1 traps on VMREAD twice, on
     * DR_ACCESS and PREEMPTION_TIMER, then VMRESUME, where the excerpt ends. L1's view (thread
     * 7289, an L1 host tracing its own guest): two exits of its guest and a final HLT.
     */
    @Test
    void dr6ExcerptFromL0AndL1Views() throws Exception {
        Tracked t = track("nested-vmx-dr6-l1-and-l0-views-annotated-lkml-2025.txt");
        Episode reflected = t.episodes.stream().filter(e -> e.type() == EpisodeType.L2_EXIT_REFLECTED).findFirst()
                .orElseThrow();
        assertEquals(IncompleteReason.TRACE_ENDED, reflected.incomplete());
        assertEquals(List.of("VMREAD", "VMREAD", "DR_ACCESS", "PREEMPTION_TIMER", "VMRESUME"),
                reflected.innerReasons().stream().map(r -> r.name()).toList());
        assertEquals(Map.of(EpisodeType.L2_EXIT_REFLECTED, 1L, EpisodeType.L1_EXIT, 3L), t.byType());
        assertEquals(2, t.complete(EpisodeType.L1_EXIT));
    }

    /** No timestamps: L1's RSM re-enters L2 (kvm_nested_vmrun), L2's NPF is reflected, L1 takes a #GP. */
    @Test
    void svmSmmRsmExcerpt() throws Exception {
        Tracked t = track("nested-svm-smm-rsm-l2-wrapped-lkml-2021.txt");
        assertEquals(Map.of(EpisodeType.L1_EXIT, 1L, EpisodeType.L2_EXIT_REFLECTED, 1L), t.byType());
        assertEquals(Map.of(IncompleteReason.NO_TIMESTAMP, 1L, IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
    }

    /** kvm_nested_vmexit lines alone (filtered traces): their kvm_exit is missing. */
    @Test
    void nestedVmexitOnlyExcerpts() throws Exception {
        Tracked one = track("nested-svm-nested_vmexit-new-format-sysfs-trace-lkml-2020.txt");
        assertEquals(Map.of(IncompleteReason.STARTED_BEFORE_TRACE, 1L), one.incomplete());
        for (String file : List.of("nested-svm-nested_vmexit-old-format-trace-cmd-lkml-2020.txt",
                "nested-svm-nested_vmexit-trace-cmd-cant-find-field-lkml-2020.txt")) {
            Tracked two = track(file);
            assertEquals(Map.of(EpisodeType.L2_EXIT_HANDLED_BY_L0, 2L), two.byType(), file);
            assertEquals(Map.of(IncompleteReason.STARTED_BEFORE_TRACE, 1L, IncompleteReason.MISSING_EXIT, 1L),
                    two.incomplete(), file);
        }
    }

    /** An L2 EPT_VIOLATION handled by L0 (emulation fails, #UD injected), no entry after it. */
    @Test
    void hyperVEptViolationExcerpt() throws Exception {
        Tracked t = track("nested-vmx-hyperv-ept-violation-emulate-ud-lkml-2020.txt");
        assertEquals(Map.of(EpisodeType.L2_EXIT_HANDLED_BY_L0, 1L), t.byType());
        assertEquals(Map.of(IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
    }

    /** gVisor's KVM platform in a VM: L1 exits only, starting inside one (after a userspace exit). */
    @Test
    void gvisorExcerptStartsInsideAnL1Exit() throws Exception {
        Tracked t = track("nested-l1-gvisor-kvm-platform-in-vm-ept-violation-loop-gvisor-issue6757-partial.txt");
        assertEquals(Map.of(EpisodeType.L1_EXIT, 2L), t.byType());
        assertEquals(Map.of(IncompleteReason.STARTED_BEFORE_TRACE, 1L, IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
    }

    /** Quoted ("> ") and annotated: L1's vmrun (kvm_nested_vmrun), then an interrupt forces L2 out before it ran. */
    @Test
    void svmMigrationExcerpt() throws Exception {
        Tracked t = track("nested-svm-migration-nested-intr-vmexit-quoted-annotated-lkml-2021.txt");
        assertEquals(Map.of(EpisodeType.L1_EXIT, 1L), t.byType());
        assertEquals(Map.of(IncompleteReason.TRACE_ENDED, 1L), t.incomplete());
    }
}
