package io.smtreplay.synth;

import io.smtreplay.episode.EpisodeType;

import java.util.List;

/**
 * One kind of episode a workload produces.
 *
 * @param type     which of the model's episode kinds
 * @param trap     the exit that opens it (from L2, or from L1 for {@link EpisodeType#L1_EXIT})
 * @param l1Traps  for a reflected exit: L1's own exits to L0 while it handles it, in order (its
 *                 VMRESUME/VMRUN is added by the synthesizer)
 * @param l1Ns     for a reflected exit: L1's handler time besides its traps, ns
 * @param idleNs   for an idle exit (HLT): how long the vCPU waits before it is resumed, ns
 */
public record EpisodeTemplate(EpisodeType type, Trap trap, List<Trap> l1Traps, long l1Ns, long idleNs) {

    public EpisodeTemplate {
        l1Traps = List.copyOf(l1Traps);
        if (type != EpisodeType.L2_EXIT_REFLECTED && (!l1Traps.isEmpty() || l1Ns != 0)) {
            throw new IllegalArgumentException("only a reflected exit runs L1");
        }
        if (l1Ns < 0 || idleNs < 0) {
            throw new IllegalArgumentException("negative time");
        }
    }

    /** An L2 exit reflected to L1. */
    public static EpisodeTemplate reflected(Trap trap, long l1Ns, Trap... l1Traps) {
        return new EpisodeTemplate(EpisodeType.L2_EXIT_REFLECTED, trap, List.of(l1Traps), l1Ns, 0);
    }

    /**
     * L2 halts on the stock nested path (KVM as L1 intercepts HLT): L0 reflects the HLT to L1,
     * L1 finds nothing to run and halts its own vCPU ({@code l1HaltL0Ns} of L0 work, then
     * {@code waitNs} blocked until the interrupt for L2 arrives), then injects the interrupt into
     * L2 and resumes it. {@code l1Ns} is L1's handling besides its HLT.
     */
    public static EpisodeTemplate reflectedHalt(long l0Ns, long l1Ns, long l1HaltL0Ns, long waitNs) {
        return reflected(Trap.of(GuestExit.HLT, l0Ns), l1Ns, Trap.idle(l1HaltL0Ns, waitNs));
    }

    /** An L2 exit L0 handles alone. */
    public static EpisodeTemplate handledByL0(Trap trap) {
        return new EpisodeTemplate(EpisodeType.L2_EXIT_HANDLED_BY_L0, trap, List.of(), 0, 0);
    }

    /** L2 halts; L0 blocks the vCPU for {@code idleNs} and resumes L2 (L1 does not intercept HLT). */
    public static EpisodeTemplate l2Idle(long l0Ns, long idleNs) {
        return new EpisodeTemplate(EpisodeType.L2_EXIT_HANDLED_BY_L0, Trap.of(GuestExit.HLT, l0Ns), List.of(), 0, idleNs);
    }

    /** An exit of an L1 vCPU that is not running L2. */
    public static EpisodeTemplate l1Exit(Trap trap) {
        return new EpisodeTemplate(EpisodeType.L1_EXIT, trap, List.of(), 0, 0);
    }

    /** L1 halts; L0 blocks the vCPU for {@code idleNs}. */
    public static EpisodeTemplate l1Idle(long l0Ns, long idleNs) {
        return new EpisodeTemplate(EpisodeType.L1_EXIT, Trap.of(GuestExit.HLT, l0Ns), List.of(), 0, idleNs);
    }
}
