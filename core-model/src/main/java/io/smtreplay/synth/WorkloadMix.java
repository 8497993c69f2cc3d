package io.smtreplay.synth;

import java.util.List;

/**
 * What each traced vCPU thread does, as cycles of steps repeated until the duration is reached.
 *
 * @param l2Cycle   the cycle of an L1 vCPU running an L2 vCPU (the application)
 * @param l1IoCycle the cycle of an L1 vCPU serving L2's devices (L1's QEMU/vhost), empty if none;
 *                  when present and more than one vCPU is traced, the last vCPU runs it
 * @param jitter    each time and duration is drawn uniformly within ±jitter of its mean
 * @param io        the causal I/O path (L2's doorbell, L1's I/O vCPU, L0's backend, the interrupt back),
 *                  null when the vCPUs run independently; with it the L2 cycle starts with the doorbell
 */
public record WorkloadMix(List<WorkloadStep> l2Cycle, List<WorkloadStep> l1IoCycle, double jitter, IoPath io) {

    public WorkloadMix(List<WorkloadStep> l2Cycle, List<WorkloadStep> l1IoCycle, double jitter) {
        this(l2Cycle, l1IoCycle, jitter, null);
    }

    /**
     * One I/O request's path through L1's I/O vCPU and L0's backend: the I/O vCPU kicks L0's device
     * ({@code kick}, an L1 MMIO exit that wakes the backend), halts until the backend's completion
     * interrupt ({@code awaitCompletion}), interrupts L2's vCPU with an IPI ({@code interruptL2}) and
     * halts until the next request ({@code awaitRequest}); the backend takes {@code deviceNs} (mean).
     */
    public record IoPath(WorkloadStep kick, WorkloadStep awaitCompletion, WorkloadStep interruptL2,
                         WorkloadStep awaitRequest, long deviceNs) {
    }

    public WorkloadMix {
        l2Cycle = List.copyOf(l2Cycle);
        l1IoCycle = List.copyOf(l1IoCycle);
        if (l2Cycle.isEmpty() || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("a non-empty L2 cycle and a jitter in [0,1)");
        }
        if (l2Cycle.stream().noneMatch(s -> s.probability() == 1.0)) {
            throw new IllegalArgumentException("the L2 cycle needs a step that always happens, or it could spin without time");
        }
        if (!l1IoCycle.isEmpty() && l1IoCycle.stream().noneMatch(s -> s.probability() == 1.0)) {
            throw new IllegalArgumentException("the L1 cycle needs a step that always happens");
        }
    }
}
