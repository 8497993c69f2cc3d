package io.smtreplay.episode;

import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.TraceEvent;

import java.io.Serializable;
import java.util.ArrayList;

/**
 * The episode an {@link EpisodeTracker} is reconstructing: its switches by kind and role, where its
 * time went (L0, L1, waiting), its reasons and whether something broke it. The tracker decides the
 * transitions; this class only keeps their sums. Plain serializable fields, reset in place by
 * {@link #start} so a tracker allocates nothing per episode.
 */
final class OpenEpisode implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long NO_TS = TraceEvent.NO_TIMESTAMP;

    Level origin;
    boolean reflected;
    long startNs;
    int l2ToL0;
    int l0ToL2;
    int l0ToL1;
    int l1ToL0;
    int nestedL0ToL1;
    int nestedL1ToL0;
    long inL0Ns;
    long inL1Ns;
    long waitNs;
    ExitReason outerReason;
    ExitReason injectedReason;
    ArrayList<ExitReason> innerReasons;
    boolean idle;
    IncompleteReason flagged;
    boolean untimed;
    /** L1 runs inside the (reflected) episode. */
    boolean inL1;
    /** Start of the current stay in L0 or in L1 within the episode. */
    long segmentStartNs;
    /** The current stay in L0 serves an idle exit. */
    boolean segmentIdle;
    /**
     * L2's idle exit (HLT…) was reflected to L1: L1's stays in the episode are L1 waiting for L2's
     * next event (KVM as L1 halt-polls for up to {@code halt_poll_ns}, then halts), not handler work.
     */
    boolean l1Waits;
    /** An inject was traced: the next entry into L1 carries the reflected exit (a nested transition). */
    boolean reflectionPending;
    Level lastTrapLevel;
    ExitReason lastTrapReason;
    /** The vmcs12/vmcb12 of the L2 vCPU whose exit opened the episode, {@link Episode#NO_L2_CONTEXT} if unknown. */
    long l2Context;

    void start(Level level, long ts, ExitReason reason, long l2Context) {
        origin = level;
        reflected = false;
        startNs = ts;
        l2ToL0 = level == Level.L2 ? 1 : 0;
        l1ToL0 = level == Level.L1 ? 1 : 0;
        l0ToL2 = 0;
        l0ToL1 = 0;
        nestedL0ToL1 = 0;
        nestedL1ToL0 = 0;
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
        l1Waits = false;
        reflectionPending = false;
        lastTrapLevel = level;
        lastTrapReason = reason;
        this.l2Context = level == Level.L2 ? l2Context : Episode.NO_L2_CONTEXT;
    }

    /** L1 traps to L0 inside the episode (reason null when the exit event was lost). */
    void trapOfL1(long ts, ExitReason reason) {
        l1ToL0++;
        if (inL1) {
            closeSegment(ts);
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
    }

    /** L0 resumes L1 inside the episode at {@code ts}. */
    void resumeL1(long ts) {
        closeSegment(ts);
        l0ToL1++;
        if (reflectionPending) {
            nestedL0ToL1++;
            reflectionPending = false;
        }
        inL1 = true;
        segmentStartNs = ts;
        segmentIdle = false;
    }

    /** Ends the current stay in L0 (or in L1) at {@code ts} and adds it to the episode's times. */
    void closeSegment(long ts) {
        long stay = span(segmentStartNs, ts);
        if (inL1) {
            inL1Ns += stay;
            if (l1Waits) {
                waitNs += stay;
            }
        } else {
            inL0Ns += stay;
            if (segmentIdle) {
                waitNs += stay;
            }
        }
        segmentStartNs = ts;
    }

    void flag(IncompleteReason reason) {
        if (flagged == null) {
            flagged = reason;
        }
    }

    /** The episode as closed at {@code endNs}, on vCPU thread {@code thread}. */
    Episode toEpisode(int thread, long endNs) {
        IncompleteReason incomplete = flagged != null ? flagged : untimed ? IncompleteReason.NO_TIMESTAMP : null;
        EpisodeType type = origin == Level.L1 ? EpisodeType.L1_EXIT
                : reflected ? EpisodeType.L2_EXIT_REFLECTED : EpisodeType.L2_EXIT_HANDLED_BY_L0;
        // An episode closed at the last event before a lost one may end where it started, not before.
        long end = untimed ? NO_TS : Math.max(startNs, endNs);
        Episode e = new Episode(thread, type, startNs, end, l2ToL0, l0ToL2, l0ToL1, l1ToL0,
                untimed ? 0 : inL0Ns, untimed ? 0 : inL1Ns, untimed ? 0 : waitNs, outerReason, injectedReason,
                innerReasons, idle, incomplete, nestedL0ToL1, nestedL1ToL0, l2Context);
        innerReasons = null;
        inL1 = false;
        return e;
    }

    private long span(long from, long to) {
        if (from == NO_TS || to == NO_TS) {
            untimed = true;
            return 0;
        }
        return Math.max(0, to - from);
    }
}
