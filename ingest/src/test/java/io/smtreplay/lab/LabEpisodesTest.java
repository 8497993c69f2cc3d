package io.smtreplay.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.episode.EpisodeType;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The episode tracker, fed a real nested capture, finds every L2 exit our L1 intercepted — as many as
 * the workload's parameters say, by reason — and leaves nothing unexplained.
 */
class LabEpisodesTest {

    private static final long SVM_EXIT_NPF = 0x400;

    /**
     * Loop operations whose L2 exits our L1 intercepts, with their SVM exit codes (AMD APM vol. 2,
     * appendix C; the same constants as capture-lab/src/layout.h).
     */
    private static final Map<String, Long> REFLECTED_OPS =
            Map.of("cpuid", 0x72L, "io", 0x7bL, "mmio", SVM_EXIT_NPF, "msr", 0x7cL, "hlt", 0x78L);
    /** L2 ends the workload with VMMCALL, which L1 intercepts too. */
    private static final long SVM_EXIT_VMMCALL = 0x81;

    static List<Arguments> nestedTexts() {
        return LabCapture.texts((workload, format) -> workload.equals("nested"));
    }

    /** single, failed and linux run one level of guest under L0 (kvm-on-kvm has LabKvmOnKvmTest). */
    static List<Arguments> singleLevelTexts() {
        return LabCapture.texts((workload, format) -> !workload.equals("nested") && !workload.equals(LabKvmOnKvmTest.WORKLOAD));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("nestedTexts")
    void everyReflectedL2ExitIsReconstructed(LabCapture capture, String workload, TraceFormat format) {
        TrackedEpisodes tracked = TrackedEpisodes.of(LabTraces.parse(capture, workload, format).withoutRepeats());

        long reflected = tracked.count(EpisodeType.L2_EXIT_REFLECTED);
        assertEquals(capture.expected("nested", "reflected_l2_exits"), reflected, "reflected L2 exits");
        Map<String, Long> byReason = new TreeMap<>();
        tracked.episodes.stream().filter(e -> e.type() == EpisodeType.L2_EXIT_REFLECTED)
                .forEach(e -> byReason.merge(e.injectedReason().name(), 1L, Long::sum));
        assertEquals(expectedReflectedByReason(capture), byReason);

        // L0 fills its shadow of L1's nested page table on L2's first accesses, without L1
        long l2NpfHandledByL0 = tracked.episodes.stream()
                .filter(e -> e.type() == EpisodeType.L2_EXIT_HANDLED_BY_L0 && e.outerReason().code() == SVM_EXIT_NPF).count();
        assertTrue(l2NpfHandledByL0 >= capture.vcpus(), l2NpfHandledByL0 + " L2 npf exits handled by L0");
        tracked.assertNothingUnexplained();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("singleLevelTexts")
    void singleLevelWorkloadsHaveOnlyL1Exits(LabCapture capture, String workload, TraceFormat format) {
        List<TraceEvent> events = LabTraces.parse(capture, workload, format).withoutRepeats();
        TrackedEpisodes tracked = TrackedEpisodes.of(events);
        long exits = events.stream().filter(e -> e.kind() == EventKind.EXIT).count();
        assertEquals(exits, tracked.count(EpisodeType.L1_EXIT), "one L1 episode per kvm_exit");
        assertEquals(tracked.episodes.size(), tracked.count(EpisodeType.L1_EXIT), "episodes of other types");
        tracked.assertNothingUnexplained();
        if (workload.equals("failed")) {
            long failed = events.stream().filter(e -> e.kind() == EventKind.NESTED_VMENTER_FAILED).count();
            assertEquals(capture.expected("failed", "failed_nested_entries"), failed, "failed nested entries");
        }
    }

    /** From the parameters alone: every iteration of every vCPU traps once per op, then one vmmcall. */
    private static Map<String, Long> expectedReflectedByReason(LabCapture capture) {
        long iterations = capture.parameters().path("iterations").asLong();
        Map<String, Long> expected = new TreeMap<>();
        for (String op : capture.parameters().path("ops").asText().split(",")) {
            if (REFLECTED_OPS.containsKey(op)) {
                expected.put(svmReasonName(REFLECTED_OPS.get(op)), iterations * capture.vcpus());
            }
        }
        expected.put(svmReasonName(SVM_EXIT_VMMCALL), (long) capture.vcpus());
        return expected;
    }

    private static String svmReasonName(long code) {
        return ExitReasons.byCode(Isa.SVM, code).name();
    }
}
