package io.smtreplay.episode;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.NestedEntry;
import io.smtreplay.trace.TraceEvent;

import java.io.Serializable;

/**
 * The episode state machine of one vCPU thread, over L0's trace alone (VMX and SVM, kernels with
 * and without {@code kvm_nested_vmenter}/{@code kvm_nested_vmrun}).
 *
 * <p>How levels are read from L0's events:
 * <ul>
 *   <li>a {@code kvm_exit} came from L2 when the next model event is {@code kvm_nested_vmexit}
 *       (KVM traces it right after the exit, for every L2 exit, VMX and SVM); otherwise from L1.
 *       The decision waits for that next event; other tracepoints (kvm_page_fault, kvm_pio…) in
 *       between do not count;</li>
 *   <li>{@code kvm_nested_vmexit_inject} reflects the L2 exit: the next entry goes into L1;</li>
 *   <li>{@code kvm_nested_vmenter}/{@code kvm_nested_vmrun}: the next entry goes into L2
 *       ({@code kvm_nested_vmenter_failed}: back into L1). Old VMX kernels have neither: there
 *       L1's trap on VMLAUNCH/VMRESUME followed by an entry means L2 runs again, as long as this
 *       thread never showed a vmenter event;</li>
 *   <li>any other entry resumes the level that trapped last.</li>
 *   <li>{@code kvm_nested_intr_vmexit} followed by an entry before any inject: an SVM kernel before the
 *       5.8-era nSVM rework ({@code svm->nested.exit_required}). The entry is a phantom (KVM returns
 *       from {@code svm_vcpu_run} without VMRUN) and the next {@code kvm_exit} carries the code KVM
 *       preset for L1, with no {@code kvm_nested_vmexit}; {@code kvm_nested_vmexit_inject} follows.
 *       Neither is a world switch: the open episode goes on in L0 and the inject reflects it.</li>
 * </ul>
 * Switch roles ({@link SwitchRole}): the entry into L1 after an inject is a nested transition, as
 * is an L1 trap that L0 answers with an entry into L2 (VMRESUME/VMLAUNCH/VMRUN); the rest are plain.
 * L2 episodes carry the vmcs12/vmcb12 of the last {@code kvm_nested_vmenter} (the L2 vCPU).
 * Waiting, not busy: L0's stay in an idle exit (HLT, MWAIT… — L0's own halt-polling is inside it,
 * {@code kvm_vcpu_wakeup ... poll}), and L1's stays after L2's idle exit was reflected to it (L1
 * halt-polls, then halts).
 * An episode opened by an L2 exit ends at the entry back into L2; one opened by an L1 exit ends
 * at its next entry (into L1, or into L2 when L1 launched or resumed it).
 *
 * <p>Broken sequences never throw: the open episode is closed (or, when its structure stays
 * unambiguous, only marked) {@link IncompleteReason incomplete}, and the machine resynchronizes.
 * Events without a timestamp are followed for structure; their episodes are marked
 * {@link IncompleteReason#NO_TIMESTAMP}.
 *
 * <p>State is plain serializable fields so a stream processor can keep one tracker per key.
 * Not thread-safe: one tracker per vCPU thread.
 */
public final class EpisodeTracker implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long NO_TS = TraceEvent.NO_TIMESTAMP;

    private enum Phase {
        /** Nothing known yet (start of input, or after a resynchronization). */
        UNSYNCED,
        /** A guest level runs: between episodes, or L1 inside a reflected episode ({@link #inL1}). */
        IN_GUEST,
        /** A kvm_exit was seen; its level is decided by the next model event. */
        EXIT_PENDING,
        /** L0 handles an exit of the open episode. */
        IN_L0
    }

    private final int thread;
    private final TrackerCounters counters = new TrackerCounters();

    private Phase phase = Phase.UNSYNCED;
    private long lastNs = NO_TS;
    private boolean sawNestedVmenter;

    /** Between episodes: the level running (null = unknown) and since when. */
    private Level guestLevel;
    private long guestSinceNs = NO_TS;

    /** The pending kvm_exit. */
    private long exitNs = NO_TS;
    private long exitPrevNs = NO_TS;
    private ExitReason exitReason;
    private boolean exitHadNoTime;

    /** The open episode, valid while {@link #open}. */
    private boolean open;
    private final OpenEpisode ep = new OpenEpisode();
    /** Where the next entry goes when a nested event said so; null: back to the last trapping level. */
    private Level entryTarget;
    /** L0 holds an L2 context (handling an L2 exit, or after a nested vmenter): an inject is possible. */
    private boolean l2ContextLoaded;
    /** The vmcs12/vmcb12 of the last nested vmenter: the L2 vCPU that runs on this thread. */
    private long l2Context = Episode.NO_L2_CONTEXT;
    /** kvm_nested_intr_vmexit seen, no inject yet: an entry now is an old SVM kernel's phantom. */
    private boolean intrVmexitPending;
    /** After a phantom entry: the next kvm_exit is the code KVM preset, not a hardware exit. */
    private boolean phantomExitExpected;

    public EpisodeTracker(int thread) {
        this.thread = thread;
    }

    public int thread() {
        return thread;
    }

    public TrackerCounters counters() {
        return counters;
    }

    /** True while an episode is open or an exit is pending (for idle-timeout decisions). */
    public boolean insideEpisode() {
        return open || phase == Phase.EXIT_PENDING;
    }

    /** Timestamp of the last timed event seen, {@link TraceEvent#NO_TIMESTAMP} if none. */
    public long lastTimestampNs() {
        return lastNs;
    }

    /** Feeds one event of this vCPU thread, in trace order. */
    public void accept(TraceEvent event, EpisodeSink sink) {
        NestedEntry nested = event.nestedEntry();
        accept(event.kind(), event.timestampNs(), event.reason(), nested != null, nested == null ? 0 : nested.vmcb(), sink);
    }

    /**
     * Feeds one event given by the only fields the model reads, for callers that hold events as
     * columns rather than objects (the replay job's batches): the same as {@link #accept(TraceEvent,
     * EpisodeSink)} of an event with these fields.
     *
     * @param ts             {@link TraceEvent#NO_TIMESTAMP} when the event had none
     * @param reason         the exit reason of exit-like events, null for others
     * @param hasNestedEntry whether the event carried nested-entry fields ({@code kvm_nested_vmenter})
     * @param nestedVmcb     their vmcs12/vmcb12 address (read only when {@code hasNestedEntry})
     */
    public void accept(EventKind kind, long ts, ExitReason reason, boolean hasNestedEntry, long nestedVmcb,
                       EpisodeSink sink) {
        if (kind == EventKind.OTHER_KVM || kind.isScheduler()) {
            counters.otherEvent();
            return;
        }
        counters.modelEvent();
        if (ts != NO_TS) {
            if (lastNs != NO_TS && ts < lastNs) {
                abandon(IncompleteReason.TIME_WENT_BACKWARDS, sink);
            }
        } else if (open) {
            ep.untimed = true;
        }
        long prevNs = lastNs;
        if (ts != NO_TS) {
            lastNs = ts;
        }
        if (phantomExitExpected) {
            phantomExitExpected = false;
            if (kind == EventKind.EXIT) {
                counters.phantomEntry();
                return; // the exit KVM preset for L1 (old SVM): L0 never left
            }
            if (open) {
                ep.flag(IncompleteReason.UNEXPECTED_EVENT);
            }
        }
        if (kind == EventKind.ENTRY && intrVmexitPending && phase == Phase.IN_L0) {
            intrVmexitPending = false;
            phantomExitExpected = true;
            return; // old SVM: svm_vcpu_run returns without VMRUN while nested.exit_required
        }
        if (kind != EventKind.NESTED_INTR_VMEXIT) {
            intrVmexitPending = false;
        }
        if (phase == Phase.EXIT_PENDING) {
            if (kind == EventKind.NESTED_VMENTER_FAILED && !open && guestLevel == Level.L2) {
                // VMX: the hardware refused the entry into L2 (vmx->fail); KVM reports it for L2
                // with kvm_nested_vmenter_failed instead of kvm_nested_vmexit, then reflects it to L1.
                exitDecided(Level.L2, sink);
                onVmenterFailed(ts, sink);
                return;
            }
            if (kind == EventKind.NESTED_VMEXIT) {
                if (exitReason == null) {
                    exitReason = reason;
                }
                exitDecided(Level.L2, sink);
                return;
            }
            exitDecided(Level.L1, sink);
        }
        switch (kind) {
            case EXIT -> onExit(ts, reason, prevNs);
            case NESTED_VMEXIT -> onNestedVmexitWithoutExit(ts, reason, prevNs, sink);
            case ENTRY -> onEntry(ts, sink);
            case NESTED_VMEXIT_INJECT -> onInject(ts, reason, sink);
            case NESTED_VMENTER -> onVmenter(ts, hasNestedEntry, nestedVmcb, sink);
            case NESTED_VMENTER_FAILED -> onVmenterFailed(ts, sink);
            case NESTED_INTR_VMEXIT -> {
                ensureInL0(Level.L1, ts, sink);
                intrVmexitPending = true;
            }
            case USERSPACE_EXIT, NESTED_INTERCEPTS -> ensureInL0(Level.L1, ts, sink);
            default -> {
            }
        }
    }

    /**
     * The tracer lost events (ring-buffer overrun) on a CPU this thread may have run on: the open
     * episode, if any, is closed incomplete and the machine resynchronizes on the next events.
     */
    public void eventsLost(EpisodeSink sink) {
        abandon(IncompleteReason.EVENTS_LOST, sink);
    }

    /** End of input or idle timeout: an open episode is closed as {@link IncompleteReason#TRACE_ENDED}. */
    public void finish(EpisodeSink sink) {
        abandon(IncompleteReason.TRACE_ENDED, sink);
    }

    // ---- transitions, named after the events that drive them ----

    private void onExit(long ts, ExitReason reason, long prevNs) {
        exitNs = ts;
        exitPrevNs = prevNs;
        exitReason = reason;
        exitHadNoTime = exitNs == NO_TS;
        phase = Phase.EXIT_PENDING;
    }

    /** The pending exit's level is known: it is an inner trap of L1, or it opens an episode. */
    private void exitDecided(Level level, EpisodeSink sink) {
        long ts = exitNs;
        ExitReason reason = exitReason;
        exitReason = null;
        if (open && ep.inL1) {
            if (level == Level.L1) {
                if (exitHadNoTime) {
                    ep.untimed = true;
                }
                trapOfL1(ts, reason);
                return;
            }
            // L2 exited while L1 was believed to run: the vmenter and the entry into L2 were lost.
            counters.levelMismatch();
            close(IncompleteReason.MISSING_NESTED_ENTRY, exitPrevNs, sink);
        } else if (open) {
            // A second exit while L0 handled the first: the entry between them was lost.
            Level expected = nextEntryTarget();
            if (ep.origin == Level.L2 && expected == Level.L1 && level == Level.L1) {
                // Still the same reflected episode (L1 ran, then trapped): mark it and go on.
                ep.flag(IncompleteReason.MISSING_ENTRY);
                ep.resumeL1(ts);
                trapOfL1(ts, reason);
                return;
            }
            close(IncompleteReason.MISSING_ENTRY, exitPrevNs, sink);
        } else if (phase == Phase.EXIT_PENDING && guestSinceNs != NO_TS && ts != NO_TS) {
            if (guestLevel != null && guestLevel != level) {
                counters.levelMismatch();
            }
            sink.guestTime(new GuestInterval(thread, level, guestSinceNs, ts));
        }
        startEpisode(level, ts, reason);
        if (exitHadNoTime) {
            ep.untimed = true;
        }
    }

    /** kvm_nested_vmexit with no kvm_exit before it: the exit event itself is missing. */
    private void onNestedVmexitWithoutExit(long ts, ExitReason reason, long prevNs, EpisodeSink sink) {
        IncompleteReason why = phase == Phase.UNSYNCED ? IncompleteReason.STARTED_BEFORE_TRACE
                : IncompleteReason.MISSING_EXIT;
        if (open) {
            close(ep.inL1 ? IncompleteReason.MISSING_NESTED_ENTRY : IncompleteReason.MISSING_ENTRY, prevNs, sink);
        }
        startEpisode(Level.L2, ts, reason);
        ep.flag(why);
    }

    private void onEntry(long ts, EpisodeSink sink) {
        switch (phase) {
            case IN_L0 -> entryFromL0(ts, sink);
            case IN_GUEST -> {
                if (open) {
                    // L1 was running inside a reflected episode and is entered again: its exit was lost.
                    close(IncompleteReason.ENTRY_WITHOUT_EXIT, ts, sink);
                    phase = Phase.IN_GUEST;
                    guestLevel = null;
                } else {
                    Level level = guestLevel == null ? Level.L1 : guestLevel;
                    EpisodeType type = level == Level.L2 ? EpisodeType.L2_EXIT_HANDLED_BY_L0 : EpisodeType.L1_EXIT;
                    emit(new Episode(thread, type, NO_TS, ts, level == Level.L2 ? 1 : 0, level == Level.L2 ? 1 : 0,
                            level == Level.L1 ? 1 : 0, level == Level.L1 ? 1 : 0, 0, 0, 0, null, null, null, false,
                            IncompleteReason.ENTRY_WITHOUT_EXIT), sink);
                }
                guestSinceNs = ts;
            }
            case UNSYNCED -> {
                phase = Phase.IN_GUEST;
                guestLevel = entryTarget;
                guestSinceNs = ts;
                entryTarget = null;
            }
            case EXIT_PENDING -> throw new IllegalStateException("pending exit is decided before entries");
        }
    }

    private void entryFromL0(long ts, EpisodeSink sink) {
        Level target = nextEntryTarget();
        entryTarget = null;
        if (target == Level.L2 || ep.origin == Level.L1) {
            ep.closeSegment(ts);
            if (target == Level.L2) {
                ep.l0ToL2++;
                if (ep.lastTrapLevel == Level.L1) {
                    ep.nestedL1ToL0++; // L1's VMRESUME/VMLAUNCH/VMRUN became the entry into L2
                }
            } else {
                ep.l0ToL1++;
            }
            close(null, ts, sink);
            phase = Phase.IN_GUEST;
            guestLevel = target;
            guestSinceNs = ts;
        } else {
            // L0 resumed L1 inside an L2 episode: the reflection (or L1's next step after a trap).
            ep.resumeL1(ts);
            phase = Phase.IN_GUEST;
        }
    }

    private void onInject(long ts, ExitReason reason, EpisodeSink sink) {
        ensureInL0(Level.L2, ts, sink);
        if (!l2ContextLoaded) {
            ep.flag(IncompleteReason.UNEXPECTED_EVENT);
        }
        if (ep.origin == Level.L2) {
            ep.reflected = true;
            ep.reflectionPending = true;
        }
        if (ep.injectedReason == null) {
            ep.injectedReason = reason;
        }
        if (reason != null && ExitReasons.isIdle(reason)) {
            // L1 intercepts the idle instruction: L0 only reflects it, L1 decides how to wait
            // (halt-polling, then its own HLT): L1's time from here is waiting.
            ep.segmentIdle = false;
            ep.l1Waits = ep.origin == Level.L2;
        }
        entryTarget = Level.L1;
        l2ContextLoaded = false;
    }

    private void onVmenter(long ts, boolean hasNestedEntry, long vmcb, EpisodeSink sink) {
        sawNestedVmenter = true;
        ensureInL0(Level.L1, ts, sink);
        if (ep.lastTrapLevel == Level.L2) {
            // Only L1's VMRUN/VMLAUNCH/VMRESUME (or RSM back into guest mode) enters L2.
            ep.flag(IncompleteReason.UNEXPECTED_EVENT);
        }
        if (hasNestedEntry) {
            // All ones: the trace has no vmcs12 address (e.g. an enlightened VMCS).
            l2Context = vmcb == -1L ? Episode.NO_L2_CONTEXT : vmcb;
        }
        entryTarget = Level.L2;
        l2ContextLoaded = true;
    }

    /** L0 refused to enter L2: the next entry goes back into L1 (with an inject when L2 had been entered). */
    private void onVmenterFailed(long ts, EpisodeSink sink) {
        ensureInL0(Level.L1, ts, sink);
        entryTarget = Level.L1;
    }

    /**
     * An event that happens only while L0 runs. If the guest was believed to run, the exit was
     * lost: the episode is opened (or, for L1 inside a reflected episode, continued) and marked.
     * {@code likelyOrigin} is the exiting level to assume when nothing else tells.
     */
    private void ensureInL0(Level likelyOrigin, long ts, EpisodeSink sink) {
        switch (phase) {
            case IN_L0 -> {
            }
            case IN_GUEST -> {
                if (open) {
                    ep.flag(IncompleteReason.MISSING_EXIT);
                    trapOfL1(ts, null);
                } else {
                    startEpisode(guestLevel == null ? likelyOrigin : guestLevel, ts, null);
                    ep.flag(IncompleteReason.MISSING_EXIT);
                }
            }
            case UNSYNCED -> {
                startEpisode(likelyOrigin, ts, null);
                ep.flag(IncompleteReason.STARTED_BEFORE_TRACE);
            }
            case EXIT_PENDING -> throw new IllegalStateException("pending exit is decided before other events");
        }
    }

    // ---- the open episode ----

    private void startEpisode(Level level, long ts, ExitReason reason) {
        open = true;
        ep.start(level, ts, reason, l2Context);
        entryTarget = null;
        l2ContextLoaded = level == Level.L2;
        phase = Phase.IN_L0;
        guestSinceNs = NO_TS;
    }

    /** L1 traps to L0 inside a reflected episode (reason null when the exit event was lost). */
    private void trapOfL1(long ts, ExitReason reason) {
        ep.trapOfL1(ts, reason);
        entryTarget = null;
        l2ContextLoaded = false;
        phase = Phase.IN_L0;
    }

    private Level nextEntryTarget() {
        if (entryTarget != null) {
            return entryTarget;
        }
        if (ep.lastTrapLevel == Level.L1 && ep.lastTrapReason != null && !sawNestedVmenter
                && ExitReasons.isNestedEntryInstruction(ep.lastTrapReason)) {
            return Level.L2; // old VMX kernel: no vmenter tracepoint
        }
        return ep.lastTrapLevel == null ? ep.origin : ep.lastTrapLevel;
    }

    /** Closes the open episode at {@code endNs}; {@code why} null for a regular close. */
    private void close(IncompleteReason why, long endNs, EpisodeSink sink) {
        if (why != null) {
            ep.flag(why);
            ep.closeSegment(endNs);
        }
        open = false;
        emit(ep.toEpisode(thread, endNs), sink);
        if (why != null) {
            resync();
        }
    }

    /** Forgets what L0 and the guest were doing: the next events tell again. */
    private void resync() {
        phase = Phase.UNSYNCED;
        guestLevel = null;
        guestSinceNs = NO_TS;
        entryTarget = null;
        l2ContextLoaded = false;
        intrVmexitPending = false;
        phantomExitExpected = false;
    }

    private void emit(Episode episode, EpisodeSink sink) {
        counters.episode(episode);
        sink.episode(episode);
    }

    /** Gives up on the current state (end of input, lost events, time backwards) and resynchronizes. */
    private void abandon(IncompleteReason why, EpisodeSink sink) {
        if (phase == Phase.EXIT_PENDING) {
            // Nothing will tell this exit's level any more: assume L1 inside a reflected episode,
            // else the level believed to run.
            exitDecided(open && ep.inL1 ? Level.L1 : guestLevel == null ? Level.L1 : guestLevel, sink);
        }
        if (open) {
            close(why, lastNs, sink);
        }
        resync();
    }
}
