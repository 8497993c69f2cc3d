package io.smtreplay.synth;

import io.smtreplay.profile.CostProfile;

import io.smtreplay.episode.EpisodeType;

import io.smtreplay.episode.Level;
import io.smtreplay.episode.SwitchRole;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.synth.SynthEvent.Tp;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One vCPU thread's events, generated an episode at a time (so memory stays constant whatever the
 * duration) in the order KVM traces them, and counted into the ground truth as they are made.
 *
 * <p>Time layout, after where the tracepoints sit in KVM: a level's exit switch happens before
 * {@code kvm_exit} and its entry switch after {@code kvm_entry}, so each guest window (entry to next
 * exit) holds entry switch + guest work + exit switch; L0's work sits between exit and entry.
 */
final class VcpuTimeline {

    /** Tools print microseconds; the ground truth is counted on what they print. */
    static long printed(long ns) {
        return ns - ns % 1_000;
    }

    private static final long L1_HANDLER_RIP = 0xffffffffc0a3b0f0L;
    private static final long L1_KERNEL_RIP = 0xffffffff8106a000L;
    private static final long CPUID_LOOP_RIP = 0x401136L;
    private static final long L2_KERNEL_RIP = 0xffffffff81000000L;

    private final VcpuThread thread;
    private final Isa isa;
    private final KernelEra era;
    private final List<WorkloadStep> cycle;
    private final boolean runsL2;
    private final double jitter;
    private final CostProfile profile;
    private final SplittableRandom rng;
    private final long endNs;
    private final GroundTruth truth;
    private final boolean tightLoop;
    private final long resumeRip;
    private final long vmcb12;
    private final long nestedPgd;
    private final ArrayDeque<SynthEvent> pending = new ArrayDeque<>();

    private int stepIndex;
    private long now;
    /** When set (>= 0), the next idle wait ends when another thread wakes this vCPU at this time, not after a drawn time. */
    private long wakeAtNs = -1;
    /** When L0 last handled an x2APIC ICR write (an IPI sent) or an MMIO doorbell of this vCPU's L1. */
    private long lastIcrWriteNs = -1;
    private long lastMmioKickNs = -1;
    private long lastEntryPrinted = -1;
    private boolean done;

    VcpuTimeline(VcpuThread thread, Isa isa, KernelEra era, List<WorkloadStep> cycle, boolean runsL2, double jitter,
                 CostProfile profile, long seed, long startNs, long endNs, GroundTruth truth, boolean tightLoop) {
        this.thread = thread;
        this.isa = isa;
        this.era = era;
        this.cycle = cycle;
        this.runsL2 = runsL2;
        this.jitter = jitter;
        this.profile = profile;
        this.rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (thread.index() + 1)));
        this.now = startNs;
        this.endNs = endNs;
        this.truth = truth;
        this.tightLoop = tightLoop;
        this.resumeRip = isa == Isa.VMX ? 0xffffffffc0a2e0f4L : 0xffffffffc0b1a3c5L;
        this.vmcb12 = 0x000000010a3c2000L + 0x2000L * thread.index();
        this.nestedPgd = isa == Isa.VMX ? 0x00000001019a701eL + 0x10000L * thread.index()
                : 0x000000010b5d4000L + 0x10000L * thread.index();
    }

    VcpuThread thread() {
        return thread;
    }

    /** The next event, or null when this vCPU has finished. */
    SynthEvent peek() {
        while (pending.isEmpty() && !done) {
            generateEpisode();
        }
        return pending.peek();
    }

    SynthEvent poll() {
        SynthEvent e = peek();
        if (e != null) {
            pending.poll();
        }
        return e;
    }

    /** Uniform within ±jitter of the mean, so sums over many episodes keep the mean. */
    private long jit(long mean) {
        if (mean == 0 || jitter == 0) {
            return mean;
        }
        double f = 1 + jitter * (2 * rng.nextDouble() - 1);
        return Math.round(mean * f);
    }

    /** Draws whether a step of probability {@code p} happens (from this vCPU's own random sequence). */
    boolean draw(double p) {
        return p >= 1.0 || rng.nextDouble() < p;
    }

    /** Where this vCPU is: the end of its last episode (its next guest window starts here). */
    long now() {
        return now;
    }

    /** Stays in the guest until {@code t} (a vCPU with work queued elsewhere: no halt, no event). */
    void advanceTo(long t) {
        now = Math.max(now, t);
    }

    /** The next idle wait ends when another thread wakes this vCPU at {@code t}. */
    void wakeAt(long t) {
        wakeAtNs = t;
    }

    long lastIcrWriteNs() {
        return lastIcrWriteNs;
    }

    long lastMmioKickNs() {
        return lastMmioKickNs;
    }

    /** Hands over the events made so far, in order. */
    void drainTo(java.util.function.Consumer<SynthEvent> sink) {
        while (!pending.isEmpty()) {
            sink.accept(pending.poll());
        }
    }

    /** Makes the episode of {@code step} now (instead of the cycle's next); false when it would end past the trace. */
    boolean run(WorkloadStep step) {
        if (!done) {
            episode(step);
        }
        return !done;
    }

    private WorkloadStep nextStep() {
        while (true) {
            WorkloadStep step = cycle.get(stepIndex);
            stepIndex = (stepIndex + 1) % cycle.size();
            if (step.probability() >= 1.0 || rng.nextDouble() < step.probability()) {
                return step;
            }
        }
    }

    private void generateEpisode() {
        episode(nextStep());
    }

    private void episode(WorkloadStep step) {
        EpisodeTemplate episode = step.episode();
        boolean first = lastEntryPrinted < 0;
        // The hardware parts of the resume before and the trap after the guest code lie outside L0's
        // exit->entry window (CostProfile.outsideWindowNs): the trace shows them as guest time.
        Level guest = runsL2 ? Level.L2 : Level.L1;
        long entrySwitch = first ? 0 : profile.outsideWindowNs(WorldSwitch.resumeInto(guest));
        long exitSwitch = profile.outsideWindowNs(WorldSwitch.trapFrom(guest));
        long exitAt = now + entrySwitch + jit(step.guestNs()) + exitSwitch;
        if (exitAt > endNs) {
            done = true;
            return;
        }
        if (!first) {
            truth.guest(runsL2, printed(exitAt) - lastEntryPrinted);
        }
        switch (episode.type()) {
            case L2_EXIT_REFLECTED -> reflected(exitAt, episode);
            case L2_EXIT_HANDLED_BY_L0 -> handledByL0(exitAt, episode);
            case L1_EXIT -> l1Exit(exitAt, episode);
        }
    }

    private SynthEvent add(long timeNs, Tp tp) {
        SynthEvent e = new SynthEvent(timeNs, thread, tp);
        pending.add(e);
        return e;
    }

    private long l2Rip() {
        return tightLoop ? CPUID_LOOP_RIP : L2_KERNEL_RIP + (rng.nextInt(0x400000) & ~0x3);
    }

    /** Instruction length L0 or L1 skips when it emulates the exiting instruction. */
    private static long skipped(GuestExit exit) {
        return switch (exit) {
            case CPUID, MSR_READ, MSR_WRITE -> 2;
            case HLT, IO_INSTRUCTION -> 1;
            case MMIO, VMREAD, VMWRITE, VMLOAD, NESTED_RESUME -> 3;
            case EPT_VIOLATION, EXTERNAL_INTERRUPT -> 0;
        };
    }

    private SynthEvent exit(long t, Trap trap, long rip) {
        SynthEvent e = add(t, Tp.EXIT);
        e.reason = trap.exit().reason(isa);
        e.rip = rip;
        fillExitInfo(e, trap);
        return e;
    }

    /**
     * L2's MMIO on VMX: L1 marks MMIO in its EPT (ept12) with misconfigured entries, so L0's shadow
     * ept02 has nothing there and L0 takes an EPT violation; walking ept12 it finds the
     * misconfiguration and reflects an EPT_MISCONFIG to L1 (nested_ept_inject_page_fault).
     */
    private boolean mmioSeenAsEptViolation(Trap trap) {
        return isa == Isa.VMX && trap.exit() == GuestExit.MMIO;
    }

    private void fillExitInfo(SynthEvent e, Trap trap) {
        GuestExit g = trap.exit();
        if (isa == Isa.VMX) {
            switch (g) {
                case EPT_VIOLATION -> e.info1 = 0x181;
                case EXTERNAL_INTERRUPT -> e.intrInfo = 0x800000ecL;
                default -> { }
            }
        } else {
            switch (g) {
                case MSR_WRITE -> e.info1 = 1;
                case EPT_VIOLATION -> {
                    e.info1 = 0x0000000100000006L;
                    e.info2 = 0x0000000012345000L + ((long) rng.nextInt(0x10000) << 12);
                }
                case MMIO -> {
                    e.info1 = 0x000000010000000fL;
                    e.info2 = 0x00000000fea01000L + 4L * rng.nextInt(4);
                }
                default -> { }
            }
        }
    }

    private SynthEvent copyOfExit(SynthEvent exit, long t, Tp tp) {
        SynthEvent e = add(t, tp);
        e.reason = exit.reason;
        e.rip = exit.rip;
        e.info1 = exit.info1;
        e.info2 = exit.info2;
        e.intrInfo = exit.intrInfo;
        e.errorCode = exit.errorCode;
        return e;
    }

    private void entry(long t, long rip) {
        add(t, Tp.ENTRY).rip = rip;
    }

    private SynthEvent pageFault(long t, SynthEvent exit) {
        SynthEvent pf = add(t, Tp.PAGE_FAULT);
        pf.rip = exit.rip;
        if (isa == Isa.SVM) {
            pf.address = exit.info2;
            pf.value = exit.info1;
        } else {
            pf.address = 0x0000000012345000L + ((long) rng.nextInt(0x10000) << 12);
            pf.value = exit.info1;
        }
        return pf;
    }

    /** What L0 prints while it handles an exit of L1 by itself. */
    private void l0SideEvents(long t, Trap trap, SynthEvent exit) {
        switch (trap.exit()) {
            case MSR_WRITE -> {
                if (trap.msr() == Trap.MSR_X2APIC_ICR) {
                    lastIcrWriteNs = t;
                }
                SynthEvent msr = add(t, Tp.MSR);
                msr.address = trap.msr();
                msr.value = trap.msr() == Trap.MSR_TSC_DEADLINE
                        ? exit.timeNs * 12 / 5 + 2_400_000L // the TSC at 2.4 GHz, one ms ahead
                        : ((long) (thread.vcpuId() + 1) << 32) | 0xfd;
            }
            case MMIO -> {
                lastMmioKickNs = t;
                if (isa == Isa.VMX) {
                    add(t, Tp.FAST_MMIO).address = 0x00000000fe003000L + 4L * rng.nextInt(4);
                } else {
                    pageFault(t, exit);
                }
            }
            case EPT_VIOLATION -> pageFault(t, exit);
            default -> { }
        }
    }

    private void reflected(long t0, EpisodeTemplate episode) {
        Trap trap = episode.trap();
        long rip = l2Rip();
        SynthEvent exit = exit(t0, mmioSeenAsEptViolation(trap) ? new Trap(GuestExit.EPT_VIOLATION, 0, trap.l0Ns()) : trap, rip);
        if (mmioSeenAsEptViolation(trap)) {
            exit.info1 = 0x182; // a write, guest-linear address valid
        }
        truth.l2Exit(exit.reason.name());
        long l0Before = jit(trap.l0Ns() / 2) + inWindow(WorldSwitch.L2_TO_L0);
        long l0After = jit(trap.l0Ns() - trap.l0Ns() / 2) + inWindow(WorldSwitch.L0_TO_L2);

        copyOfExit(exit, t0 + l0Before / 8, Tp.NESTED_VMEXIT);
        if (trap.exit() == GuestExit.MMIO) {
            // L0 walks L1's EPT/NPT for the faulting address first: the virtio doorbell
            SynthEvent pf = pageFault(t0 + l0Before / 4, exit);
            if (isa == Isa.VMX) {
                pf.address = 0x00000000fe003000L + 4L * rng.nextInt(4);
            }
        }
        SynthEvent inject = copyOfExit(exit, t0 + l0Before * 3 / 4, Tp.NESTED_VMEXIT_INJECT);
        inject.reason = trap.exit().reason(isa);
        truth.injected(inject.reason.name());
        long cursor = t0 + l0Before;
        entry(cursor, L1_HANDLER_RIP);

        List<Trap> l1Traps = episode.l1Traps();
        long l1Total = jit(episode.l1Ns());
        long chunk = l1Total / (l1Traps.size() + 1);
        long inL1 = 0;
        long idleInL0 = 0;
        long l1Rip = L1_KERNEL_RIP + (rng.nextInt(0x10000) & ~0x3);
        SwitchRole resumeRole = SwitchRole.NESTED_TRANSITION; // the first resume into L1 carries the reflection
        for (Trap inner : l1Traps) {
            long exitAt = cursor + profile.switchNs(WorldSwitch.L0_TO_L1, resumeRole) + chunk
                    + profile.switchNs(WorldSwitch.L1_TO_L0, SwitchRole.PLAIN);
            resumeRole = SwitchRole.PLAIN;
            SynthEvent innerExit = exit(exitAt, inner, l1Rip);
            truth.l1Exit(innerExit.reason.name());
            inL1 += printed(exitAt) - printed(cursor);
            long l0 = jit(inner.l0Ns());
            l0SideEvents(exitAt + l0 / 3, inner, innerExit);
            l0 += inner.waitNs() > 0 ? waitFrom(exitAt + l0, inner.waitNs()) : 0; // L1 halted: L0 blocks its thread until a wake-up
            l1Rip += skipped(inner.exit());
            if (inner.exit() == GuestExit.HLT) {
                idleInL0 += printed(exitAt + l0) - printed(exitAt);
            }
            cursor = exitAt + l0;
            entry(cursor, l1Rip);
        }
        long resumeAt = cursor + profile.switchNs(WorldSwitch.L0_TO_L1, resumeRole) + (l1Total - chunk * l1Traps.size())
                + profile.switchNs(WorldSwitch.L1_TO_L0, SwitchRole.NESTED_TRANSITION);
        SynthEvent resume = exit(resumeAt, Trap.of(GuestExit.NESTED_RESUME, 0), resumeRip);
        truth.l1Exit(resume.reason.name());
        inL1 += printed(resumeAt) - printed(cursor);
        long l2Resume = rip + skipped(trap.exit());
        if (isa == Isa.SVM || era.nestedVmenter()) {
            SynthEvent enter = add(resumeAt + l0After / 2, Tp.NESTED_VMENTER);
            enter.rip = resumeRip + (isa == Isa.SVM ? 3 : 0);
            enter.address = vmcb12;
            enter.value = l2Resume;
            enter.info1 = nestedPgd;
        }
        if (isa == Isa.SVM) {
            add(resumeAt + l0After * 3 / 4, Tp.NESTED_INTERCEPTS);
        }
        long end = resumeAt + l0After;
        entry(end, l2Resume);

        long duration = printed(end) - printed(t0);
        if (ExitReasons.isIdle(inject.reason)) {
            // L1 intercepts the idle exit and decides how to wait (halt-polling, its own HLT, the
            // wake-up): L1's time in the episode and L0's stay in L1's HLT are waiting
            truth.idle(inL1 + idleInL0);
        }
        // reported under the reason L1 handled (the projection's D10): EPT_MISCONFIG, not L0's EPT_VIOLATION
        truth.episode(EpisodeType.L2_EXIT_REFLECTED, inject.reason.name(), duration);
        truth.reflectedSplit(duration - inL1, inL1);
        truth.worldSwitch(WorldSwitch.L2_TO_L0, 1);
        truth.worldSwitch(WorldSwitch.L0_TO_L1, l1Traps.size() + 1);
        truth.worldSwitch(WorldSwitch.L1_TO_L0, l1Traps.size() + 1);
        truth.worldSwitch(WorldSwitch.L0_TO_L2, 1);
        finish(end);
    }

    private void handledByL0(long t0, EpisodeTemplate episode) {
        Trap trap = episode.trap();
        long rip = l2Rip();
        SynthEvent exit = exit(t0, trap, rip);
        truth.l2Exit(exit.reason.name());
        long l0 = jit(trap.l0Ns());
        copyOfExit(exit, t0 + l0 / 8, Tp.NESTED_VMEXIT);
        if (trap.exit() == GuestExit.EPT_VIOLATION) {
            pageFault(t0 + l0 / 4, exit);
        }
        singleLevelEnd(t0, l0, episode, exit, rip, WorldSwitch.L2_TO_L0, WorldSwitch.L0_TO_L2);
    }

    private void l1Exit(long t0, EpisodeTemplate episode) {
        Trap trap = episode.trap();
        long rip = L1_KERNEL_RIP + (rng.nextInt(0x100000) & ~0x3);
        SynthEvent exit = exit(t0, trap, rip);
        truth.l1Exit(exit.reason.name());
        long l0 = jit(trap.l0Ns());
        l0SideEvents(t0 + l0 / 3, trap, exit);
        singleLevelEnd(t0, l0, episode, exit, rip, WorldSwitch.L1_TO_L0, WorldSwitch.L0_TO_L1);
    }

    /** L0 resumes the level that exited, after its work and any idle wait; the episode is counted. */
    private void singleLevelEnd(long t0, long l0, EpisodeTemplate episode, SynthEvent exit, long rip,
                                WorldSwitch trap, WorldSwitch resume) {
        long handled = t0 + inWindow(trap) + l0;
        long end = handled + (episode.idleNs() > 0 ? waitFrom(handled, episode.idleNs()) : 0) + inWindow(resume);
        entry(end, rip + skipped(episode.trap().exit()));
        long duration = printed(end) - printed(t0);
        truth.episode(episode.type(), exit.reason.name(), duration);
        if (episode.idleNs() > 0) {
            truth.idle(duration);
        }
        truth.worldSwitch(trap, 1);
        truth.worldSwitch(resume, 1);
        finish(end);
    }

    /**
     * How long L0 blocks this halted vCPU from {@code from}: until the wake-up another thread sends
     * ({@link #wakeAt}), when one is due, else about {@code meanNs}.
     */
    private long waitFrom(long from, long meanNs) {
        if (wakeAtNs < 0) {
            return jit(meanNs);
        }
        long wait = Math.max(0, wakeAtNs - from);
        wakeAtNs = -1;
        return wait;
    }

    /** The part of a plain switch's cost inside L0's exit->entry window. */
    private long inWindow(WorldSwitch kind) {
        return profile.contextSwitchNs(kind) - profile.outsideWindowNs(kind);
    }

    private void finish(long end) {
        now = end;
        lastEntryPrinted = printed(end);
    }
}
