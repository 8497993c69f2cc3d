package io.smtreplay.episode;

import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.TraceEvent;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One exit episode of one vCPU thread, reconstructed from L0's trace: from the exit that opened
 * it to the entry that resumed the exiting level (see {@link EpisodeType}).
 *
 * <p>World switches are counted by kind as L0 saw them: a trap of L1 is {@code L1_TO_L0}, each
 * resume of L1 is {@code L0_TO_L1}, and so on. The number of traps of a level is therefore the
 * number of its {@code Lx_TO_L0} switches.
 *
 * @param thread          the vCPU thread id ({@link TraceEvent#NO_TID} when the trace had none)
 * @param type            what kind of episode
 * @param startNs         the opening exit's timestamp, {@link TraceEvent#NO_TIMESTAMP} if unknown
 * @param endNs           the closing entry's timestamp (or the last event seen, for incomplete ones)
 * @param l2ToL0          traps of L2 (1 for L2 episodes)
 * @param l0ToL2          resumes of L2
 * @param l0ToL1          resumes of L1
 * @param l1ToL0          traps of L1 (its own exit, its traps while handling a reflected exit, its VMRESUME/VMRUN)
 * @param timeInL0Ns      time between a trap and the next resume, summed
 * @param timeInL1Ns      time L1 ran inside a reflected episode (resume into L1 to its next trap)
 * @param waitNs          time L0 spent in idle exits (HLT, MWAIT…) of this episode, waiting for the vCPU to
 *                        wake: not overhead. An idle exit L0 reflects to L1 (L1 intercepts HLT) is not
 *                        waited on by L0; L1's own idle exits inside the episode are.
 * @param outerReason     the reason of the opening exit; null when the opening exit was lost
 * @param injectedReason  the reason L0 reflected to L1 ({@code kvm_nested_vmexit_inject}); null if none
 * @param innerReasons    the reasons of L1's traps inside a reflected episode, in order
 * @param idle            the opening exit is an idle exit ({@link io.smtreplay.trace.ExitReasons#isIdle})
 * @param incomplete      why the episode is not whole, or null when it is
 * @param nestedL0ToL1    of {@code l0ToL1}, the resumes that carried a reflected L2 exit into L1
 *                        ({@link SwitchRole#NESTED_TRANSITION}); the others are plain
 * @param nestedL1ToL0    of {@code l1ToL0}, L1's VMRESUME/VMLAUNCH/VMRUN traps that L0 turned into an
 *                        entry into L2 (nested transitions); the others are plain traps of L1
 * @param l2Context       which L2 vCPU the episode belongs to: the vmcs12/vmcb12 address of the last
 *                        {@code kvm_nested_vmenter}/{@code kvm_nested_vmrun} of the thread, or
 *                        {@link #NO_L2_CONTEXT} when the trace shows none (old VMX kernels, L1 episodes)
 */
public record Episode(
        int thread,
        EpisodeType type,
        long startNs,
        long endNs,
        int l2ToL0,
        int l0ToL2,
        int l0ToL1,
        int l1ToL0,
        long timeInL0Ns,
        long timeInL1Ns,
        long waitNs,
        ExitReason outerReason,
        ExitReason injectedReason,
        List<ExitReason> innerReasons,
        boolean idle,
        IncompleteReason incomplete,
        int nestedL0ToL1,
        int nestedL1ToL0,
        long l2Context) implements Serializable {

    /** No vmcs12/vmcb12 address known for the episode. */
    public static final long NO_L2_CONTEXT = -1;

    public Episode {
        Objects.requireNonNull(type, "type");
        innerReasons = innerReasons == null ? List.of() : List.copyOf(innerReasons);
        if (nestedL0ToL1 < 0 || nestedL0ToL1 > l0ToL1 || nestedL1ToL0 < 0 || nestedL1ToL0 > l1ToL0) {
            throw new IllegalArgumentException("nested transitions (" + nestedL0ToL1 + ", " + nestedL1ToL0
                    + ") must be part of the L0<->L1 switches (" + l0ToL1 + ", " + l1ToL0 + ")");
        }
    }

    /** An episode whose L0<->L1 switches are all plain and whose L2 vCPU is not known. */
    public Episode(int thread, EpisodeType type, long startNs, long endNs, int l2ToL0, int l0ToL2, int l0ToL1,
                   int l1ToL0, long timeInL0Ns, long timeInL1Ns, long waitNs, ExitReason outerReason,
                   ExitReason injectedReason, List<ExitReason> innerReasons, boolean idle,
                   IncompleteReason incomplete) {
        this(thread, type, startNs, endNs, l2ToL0, l0ToL2, l0ToL1, l1ToL0, timeInL0Ns, timeInL1Ns, waitNs,
                outerReason, injectedReason, innerReasons, idle, incomplete, 0, 0, NO_L2_CONTEXT);
    }

    /** Observed duration; 0 when a timestamp is missing. */
    public long durationNs() {
        return hasTime() ? endNs - startNs : 0;
    }

    public boolean hasTime() {
        return startNs != TraceEvent.NO_TIMESTAMP && endNs != TraceEvent.NO_TIMESTAMP;
    }

    public boolean isComplete() {
        return incomplete == null;
    }

    public int switches(WorldSwitch kind) {
        return switch (kind) {
            case L2_TO_L0 -> l2ToL0;
            case L0_TO_L2 -> l0ToL2;
            case L0_TO_L1 -> l0ToL1;
            case L1_TO_L0 -> l1ToL0;
        };
    }

    /** Switches of a kind in a role: the nested transitions among the L0<->L1 switches, or the plain rest. */
    public int switches(WorldSwitch kind, SwitchRole role) {
        int nested = switch (kind) {
            case L0_TO_L1 -> nestedL0ToL1;
            case L1_TO_L0 -> nestedL1ToL0;
            case L2_TO_L0, L0_TO_L2 -> 0;
        };
        return role == SwitchRole.NESTED_TRANSITION ? nested : switches(kind) - nested;
    }

    /** The reason the handling level saw: L1's (the injected one) for a reflected exit, else the exit's own. */
    public ExitReason handledReason() {
        return type == EpisodeType.L2_EXIT_REFLECTED && injectedReason != null ? injectedReason : outerReason;
    }

    /** The switch that opened the episode: the trap of the exiting level. */
    public WorldSwitch openingSwitch() {
        return WorldSwitch.trapFrom(type.exitingLevel());
    }

    /** The switch that closed it: the resume into L2 (L2 episodes, or L1's launch of L2), else into L1. */
    public WorldSwitch closingSwitch() {
        return type.exitingLevel() == Level.L2 || l0ToL2 > 0 ? WorldSwitch.L0_TO_L2 : WorldSwitch.L0_TO_L1;
    }

    public int totalSwitches() {
        return l2ToL0 + l0ToL2 + l0ToL1 + l1ToL0;
    }

    /** Traps into L0 this episode made: for an L2 episode, its exit multiplication. */
    public int trapsIntoL0() {
        return l2ToL0 + l1ToL0;
    }

    /** Traps of one guest level. */
    public int traps(Level level) {
        return switch (level) {
            case L1 -> l1ToL0;
            case L2 -> l2ToL0;
            case L0 -> 0;
        };
    }
}
