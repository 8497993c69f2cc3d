package io.smtreplay.episode;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.TraceEvent;

import java.io.Serializable;
import java.util.ArrayList;

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
 * </ul>
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

    /** The open episode. */
    private boolean open;
    private Level origin;
    private boolean reflected;
    private long startNs;
    private int l2ToL0;
    private int l0ToL2;
    private int l0ToL1;
    private int l1ToL0;
    private long inL0Ns;
    private long inL1Ns;
    private long waitNs;
    private ExitReason outerReason;
    private ExitReason injectedReason;
    private ArrayList<ExitReason> innerReasons;
    private boolean idle;
    private IncompleteReason flagged;
    private boolean untimed;
    /** L1 runs inside the open (reflected) episode. */
    private boolean inL1;
    /** Start of the current stay in L0 or in L1 within the episode. */
    private long segmentStartNs;
    /** The current stay in L0 serves an idle exit. */
    private boolean segmentIdle;
    private Level lastTrapLevel;
    private ExitReason lastTrapReason;
    /** Where the next entry goes when a nested event said so; null: back to the last trapping level. */
    private Level entryTarget;
    /** L0 holds an L2 context (handling an L2 exit, or after a nested vmenter): an inject is possible. */
    private boolean l2ContextLoaded;

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
        EventKind kind = event.kind();
        if (kind == EventKind.OTHER_KVM) {
            counters.otherEvent();
            return;
        }
        counters.modelEvent();
        long ts = event.timestampNs();
        if (ts != NO_TS) {
            if (lastNs != NO_TS && ts < lastNs) {
                abandon(IncompleteReason.TIME_WENT_BACKWARDS, sink);
            }
        } else if (open) {
            untimed = true;
        }
        long prevNs = lastNs;
        if (ts != NO_TS) {
            lastNs = ts;
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
                    exitReason = event.reason();
                }
                exitDecided(Level.L2, sink);
                return;
            }
            exitDecided(Level.L1, sink);
        }
        switch (kind) {
            case EXIT -> onExit(event, prevNs);
            case NESTED_VMEXIT -> onNestedVmexitWithoutExit(event, prevNs, sink);
            case ENTRY -> onEntry(ts, sink);
            case NESTED_VMEXIT_INJECT -> onInject(event, sink);
            case NESTED_VMENTER -> onVmenter(ts, sink);
            case NESTED_VMENTER_FAILED -> onVmenterFailed(ts, sink);
            case USERSPACE_EXIT, NESTED_INTR_VMEXIT, NESTED_INTERCEPTS -> ensureInL0(Level.L1, ts, sink);
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

    private void onExit(TraceEvent event, long prevNs) {
        exitNs = event.timestampNs();
        exitPrevNs = prevNs;
        exitReason = event.reason();
        exitHadNoTime = exitNs == NO_TS;
        phase = Phase.EXIT_PENDING;
    }

    /** The pending exit's level is known: it is an inner trap of L1, or it opens an episode. */
    private void exitDecided(Level level, EpisodeSink sink) {
        long ts = exitNs;
        ExitReason reason = exitReason;
        exitReason = null;
        if (open && inL1) {
            if (level == Level.L1) {
                if (exitHadNoTime) {
                    untimed = true;
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
            if (origin == Level.L2 && expected == Level.L1 && level == Level.L1) {
                // Still the same reflected episode (L1 ran, then trapped): mark it and go on.
                flag(IncompleteReason.MISSING_ENTRY);
                l0ToL1++;
                closeSegment(ts);
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
            untimed = true;
        }
    }

    /** kvm_nested_vmexit with no kvm_exit before it: the exit event itself is missing. */
    private void onNestedVmexitWithoutExit(TraceEvent event, long prevNs, EpisodeSink sink) {
        IncompleteReason why = phase == Phase.UNSYNCED ? IncompleteReason.STARTED_BEFORE_TRACE
                : IncompleteReason.MISSING_EXIT;
        if (open) {
            close(inL1 ? IncompleteReason.MISSING_NESTED_ENTRY : IncompleteReason.MISSING_ENTRY, prevNs, sink);
        }
        startEpisode(Level.L2, event.timestampNs(), event.reason());
        flag(why);
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
        closeSegment(ts);
        entryTarget = null;
        if (target == Level.L2) {
            l0ToL2++;
        } else {
            l0ToL1++;
        }
        if (target == Level.L2 || origin == Level.L1) {
            close(null, ts, sink);
            phase = Phase.IN_GUEST;
            guestLevel = target;
            guestSinceNs = ts;
        } else {
            // L0 resumed L1 inside an L2 episode: the reflection (or L1's next step after a trap).
            inL1 = true;
            segmentStartNs = ts;
            segmentIdle = false;
            phase = Phase.IN_GUEST;
        }
    }

    private void onInject(TraceEvent event, EpisodeSink sink) {
        ensureInL0(Level.L2, event.timestampNs(), sink);
        if (!l2ContextLoaded) {
            flag(IncompleteReason.UNEXPECTED_EVENT);
        }
        if (origin == Level.L2) {
            reflected = true;
        }
        if (injectedReason == null) {
            injectedReason = event.reason();
        }
        if (event.reason() != null && ExitReasons.isIdle(event.reason())) {
            // L1 intercepts the idle instruction: L0 only reflects it, L1 decides how to wait.
            segmentIdle = false;
        }
        entryTarget = Level.L1;
        l2ContextLoaded = false;
    }

    private void onVmenter(long ts, EpisodeSink sink) {
        sawNestedVmenter = true;
        ensureInL0(Level.L1, ts, sink);
        if (lastTrapLevel == Level.L2) {
            // Only L1's VMRUN/VMLAUNCH/VMRESUME (or RSM back into guest mode) enters L2.
            flag(IncompleteReason.UNEXPECTED_EVENT);
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
                    flag(IncompleteReason.MISSING_EXIT);
                    trapOfL1(ts, null);
                } else {
                    startEpisode(guestLevel == null ? likelyOrigin : guestLevel, ts, null);
                    flag(IncompleteReason.MISSING_EXIT);
                }
            }
            case UNSYNCED -> {
                startEpisode(likelyOrigin, ts, null);
                flag(IncompleteReason.STARTED_BEFORE_TRACE);
            }
            case EXIT_PENDING -> throw new IllegalStateException("pending exit is decided before other events");
        }
    }

    // ---- the open episode ----

    private void startEpisode(Level level, long ts, ExitReason reason) {
        open = true;
        origin = level;
        reflected = false;
        startNs = ts;
        l2ToL0 = level == Level.L2 ? 1 : 0;
        l1ToL0 = level == Level.L1 ? 1 : 0;
        l0ToL2 = 0;
        l0ToL1 = 0;
        inL0Ns = 0;
        inL1Ns = 0;
        waitNs = 0;
        outerReason = reason;
        injectedReason = null;
        innerReasons = null;
        idle = reason != null && ExitReasons.isIdle(reason);
        flagged = null;
        untimed = ts == NO_TS;
        inL1 = false;
        segmentStartNs = ts;
        segmentIdle = idle;
        lastTrapLevel = level;
        lastTrapReason = reason;
        entryTarget = null;
        l2ContextLoaded = level == Level.L2;
        phase = Phase.IN_L0;
        guestSinceNs = NO_TS;
    }

    /** L1 traps to L0 inside a reflected episode (reason null when the exit event was lost). */
    private void trapOfL1(long ts, ExitReason reason) {
        l1ToL0++;
        if (inL1) {
            inL1Ns += span(segmentStartNs, ts);
            inL1 = false;
        }
        segmentStartNs = ts;
        segmentIdle = reason != null && ExitReasons.isIdle(reason);
        if (reason != null) {
            if (innerReasons == null) {
                innerReasons = new ArrayList<>(4);
            }
            innerReasons.add(reason);
        }
        lastTrapLevel = Level.L1;
        lastTrapReason = reason;
        entryTarget = null;
        l2ContextLoaded = false;
        phase = Phase.IN_L0;
    }

    /** Ends the current stay in L0 (or in L1) at {@code ts} and adds it to the episode's times. */
    private void closeSegment(long ts) {
        long stay = span(segmentStartNs, ts);
        if (inL1) {
            inL1Ns += stay;
        } else {
            inL0Ns += stay;
            if (segmentIdle) {
                waitNs += stay;
            }
        }
        segmentStartNs = ts;
    }

    private Level nextEntryTarget() {
        if (entryTarget != null) {
            return entryTarget;
        }
        if (lastTrapLevel == Level.L1 && lastTrapReason != null && !sawNestedVmenter
                && ExitReasons.isNestedEntryInstruction(lastTrapReason)) {
            return Level.L2; // old VMX kernel: no vmenter tracepoint
        }
        return lastTrapLevel == null ? origin : lastTrapLevel;
    }

    private void flag(IncompleteReason reason) {
        if (flagged == null) {
            flagged = reason;
        }
    }

    /** Closes the open episode at {@code endNs}; {@code why} null for a regular close. */
    private void close(IncompleteReason why, long endNs, EpisodeSink sink) {
        if (why != null) {
            flag(why);
            closeSegment(endNs);
        }
        IncompleteReason incomplete = flagged != null ? flagged : untimed ? IncompleteReason.NO_TIMESTAMP : null;
        EpisodeType type = origin == Level.L1 ? EpisodeType.L1_EXIT
                : reflected ? EpisodeType.L2_EXIT_REFLECTED : EpisodeType.L2_EXIT_HANDLED_BY_L0;
        // An episode closed at the last event before a lost one may end where it started, not before.
        long end = untimed ? NO_TS : Math.max(startNs, endNs);
        open = false;
        inL1 = false;
        emit(new Episode(thread, type, startNs, end, l2ToL0, l0ToL2, l0ToL1, l1ToL0,
                untimed ? 0 : inL0Ns, untimed ? 0 : inL1Ns, untimed ? 0 : waitNs, outerReason, injectedReason,
                innerReasons, idle, incomplete), sink);
        innerReasons = null;
        if (why != null) {
            phase = Phase.UNSYNCED;
            guestLevel = null;
            guestSinceNs = NO_TS;
            entryTarget = null;
        }
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
            exitDecided(open && inL1 ? Level.L1 : guestLevel == null ? Level.L1 : guestLevel, sink);
        }
        if (open) {
            close(why, lastNs, sink);
        }
        phase = Phase.UNSYNCED;
        guestLevel = null;
        guestSinceNs = NO_TS;
        entryTarget = null;
        l2ContextLoaded = false;
    }

    private long span(long from, long to) {
        if (from == NO_TS || to == NO_TS) {
            untimed = true;
            return 0;
        }
        return Math.max(0, to - from);
    }
}
