package io.smtreplay.projection;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.episode.TrackerCounters;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.NestedEntry;
import io.smtreplay.trace.TraceEvent;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The replay of one host's trace (offline: one source, a file; in the job: one {@code host}): every
 * thread's episode tracker, and the critical path across them, the one home of the wall-clock
 * speedup's cross-vCPU part. Events must come in trace order across all the host's threads. Where
 * episodes, guest time and shortened waits are recorded is the caller's ({@link Recording}):
 * offline one accumulator per app, in the job one per app and window of the event being replayed.
 * Plain serializable state, so the streaming job keeps it in keyed state per host.
 *
 * <p>Waits and their causes: when a vCPU thread W enters an idle wait (an idle {@code kvm_exit}, or
 * L2's idle exit reflected to L1), the savings so far of every other thread of the host are noted.
 * A wake-up aimed at W — {@code kvm_apic_accept_irq} ({@code apicid}: IPIs and device interrupts,
 * posted or not, traced in the sender's context), {@code kvm_apic_ipi} or {@code kvm_msi_set_irq}
 * ({@code dst}), or the scheduler's {@code sched_waking}/{@code sched_wakeup} of W's thread — names
 * W's cause, the waker's chain: a vCPU thread (one that enters a guest) is its own chain; a thread
 * that is not (L0's backend: a QEMU I/O thread, vhost) stands for the vCPU whose exit last woke it
 * (the doorbell: that vCPU's exit, then the scheduler's wake-up of the backend from its thread; a
 * backend woken by another backend inherits that one's vCPU). When W's wait ends it shrinks by what
 * the chain's vCPU saved since the wait began (one level: the cause's own waits are not followed;
 * W's own doorbell saved nothing while W waited: explained, unchanged). A wait whose waker has no
 * such chain, or with no wake-up event, is held fixed and counted as unexplained. A wake-up traced
 * on a vCPU thread inside its guest is a host interrupt's, not that vCPU's: no cause (see
 * {@code wokenByAnInterrupt}).
 *
 * <p>An APIC id names a vCPU of the sender's VM only: APIC ids repeat across the VMs of a host, so
 * the target is looked up among the threads of the sender's VM (its {@code vm} label where the
 * input has one, else its app). The APIC id is taken to be the vCPU id printed by
 * {@code kvm_entry}/{@code kvm_exit} (QEMU's default x86 topology). Where a host has
 * {@code sched_waking} (always traced in the waker's context) its {@code sched_wakeup}s are not
 * read: since Linux 4.3 they may be traced on the woken task's CPU, in another thread's context.
 */
public final class HostReplay implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@code wokenThread} of an event that wakes no thread. */
    public static final int NO_THREAD = -1;

    /** Where a replay records what it reconstructs: the caller's choice of accumulator per app. */
    public interface Recording {
        Projector projector();

        /** The accumulator an episode or guest interval of {@code app} is recorded in now. */
        ProjectionAccumulator accumulator(String app);

        /** A thread of {@code app} was seen for the first time (offline: its app is reported even if empty). */
        default void threadSeen(String app) {
        }
    }

    /** One thread of the host: a vCPU thread, or a backend that only injects interrupts. */
    private final class HostThread implements EpisodeSink, Serializable {
        private static final long serialVersionUID = 1L;

        final int tid;
        final String app;
        /** The VM the thread belongs to, where APIC ids are unique: the {@code vm} label, else the app. */
        final String vm;
        /** Null after the job closed an idle thread, until its next event. */
        EpisodeTracker tracker;
        int lastPcpu = -1;
        int vcpuId = -1;
        /** Seen entering or leaving a guest: a vCPU thread, not a backend thread that only injects interrupts. */
        boolean runsGuest;
        /** Between its {@code kvm_entry} and the next exit: what is traced in its context now is a host interrupt's. */
        boolean inGuest;
        /** What this thread's complete episodes saved so far, per configuration; null before the first. */
        long[] savedNs;
        /** In an idle wait: the other threads' savings when it began; null when not waiting. */
        Map<HostThread, long[]> savedAtWaitStart;
        /** The savings of the chain whose wake-up ended the current wait; null when none did. */
        long[] causeSavedNs;

        HostThread(int tid, String app, String vm) {
            this.tid = tid;
            this.app = app;
            this.vm = vm;
        }

        long[] saved(int configurations) {
            if (savedNs == null) {
                savedNs = new long[configurations];
            }
            return savedNs;
        }

        @Override
        public void episode(Episode episode) {
            Projector projector = recording.projector();
            ProjectionAccumulator into = recording.accumulator(app);
            projector.record(episode, into);
            if (!episode.isComplete()) {
                return;
            }
            long[] saved = projector.savings(episode);
            long[] total = saved(saved.length);
            for (int i = 0; i < saved.length; i++) {
                total[i] += saved[i];
            }
            if (episode.waitNs() > 0) {
                if (causeSavedNs != null) {
                    projector.shortenWait(episode, causeSavedNs, into);
                }
                savedAtWaitStart = null;
                causeSavedNs = null;
            }
        }

        @Override
        public void guestTime(GuestInterval interval) {
            recording.projector().record(interval, recording.accumulator(app));
        }
    }

    private final Map<Integer, HostThread> threads = new HashMap<>();
    /** Threads that enter no guest (L0's backends), by thread id: the vCPU whose exit last woke them (null: none). */
    private final Map<Integer, HostThread> doorbellOf = new HashMap<>();
    private boolean hasWaking;
    /** Where the call in progress records; set by every public entry point. */
    private transient Recording recording;
    /** Traces come in runs of one thread's events. */
    private transient HostThread last;

    /** One event of the host, labelled with its app and VM ({@code vm} null when the input has none). */
    public void accept(String app, String vm, TraceEvent event, Recording into) {
        NestedEntry nested = event.nestedEntry();
        Integer woken = event.wokenThread();
        accept(event.tid(), app, vm, event.kind(), event.timestampNs(), event.reason(), nested != null,
                nested == null ? 0 : nested.vmcb(), event.vcpu(), event.pcpu(), event.tracepoint(), event.payload(),
                woken == null ? NO_THREAD : woken, into);
    }

    /**
     * One event given by the fields the replay reads, for callers that hold events as columns (the
     * job's batches): the same as {@link #accept(String, String, TraceEvent, Recording)} of an event
     * with these fields. {@code payload} is read only for the wake-up tracepoints and may be null
     * for any other; {@code wokenThread} only for scheduler events.
     */
    public void accept(int tid, String app, String vm, EventKind kind, long ts, ExitReason reason,
                       boolean hasNestedEntry, long nestedVmcb, int vcpu, int pcpu, String tracepoint,
                       String payload, int wokenThread, Recording into) {
        recording = into;
        if (kind.isScheduler()) {
            schedWakeup(tid, kind, wokenThread);
            return; // the scheduler's events move no episode, and a backend thread is no vCPU
        }
        HostThread thread = last;
        if (thread == null || thread.tid != tid) {
            thread = threads.get(tid);
            if (thread == null) {
                thread = new HostThread(tid, app, vm == null ? app : vm);
                threads.put(tid, thread);
                into.threadSeen(app);
            }
            last = thread;
        }
        if (pcpu >= 0) {
            thread.lastPcpu = pcpu;
        }
        if (kind == EventKind.ENTRY || kind == EventKind.EXIT || kind == EventKind.NESTED_VMEXIT) {
            thread.inGuest = kind == EventKind.ENTRY;
        }
        if (kind == EventKind.ENTRY || kind == EventKind.EXIT) {
            thread.runsGuest = true;
            if (vcpu >= 0) {
                thread.vcpuId = vcpu;
            }
        }
        if ((kind == EventKind.EXIT || kind == EventKind.NESTED_VMEXIT_INJECT) && reason != null
                && ExitReasons.isIdle(reason) && thread.savedAtWaitStart == null) {
            waitBegins(thread);
        } else if (kind == EventKind.OTHER_KVM) {
            int target = WakeUpTarget.apicId(tracepoint, payload);
            if (target >= 0) {
                wakeUpInVm(thread, target);
            }
        }
        if (thread.tracker == null) {
            thread.tracker = new EpisodeTracker(tid);
        }
        thread.tracker.accept(kind, ts, reason, hasNestedEntry, nestedVmcb, thread);
    }

    private void waitBegins(HostThread waiter) {
        int configurations = recording.projector().configurations().size();
        Map<HostThread, long[]> snapshot = new HashMap<>();
        for (HostThread other : threads.values()) {
            if (other != waiter && other.savedNs != null) {
                snapshot.put(other, other.savedNs.clone());
            }
        }
        waiter.saved(configurations);
        waiter.savedAtWaitStart = snapshot;
        waiter.causeSavedNs = null;
    }

    /** An interrupt from {@code sender} aimed at APIC id {@code target}: a vCPU of the sender's VM. */
    private void wakeUpInVm(HostThread sender, int target) {
        HostThread cause = chainOf(sender.tid);
        for (HostThread waiter : threads.values()) {
            if (waiter != sender && waiter.vcpuId == target && waiter.vm.equals(sender.vm)) {
                causeWait(waiter, cause);
            }
        }
    }

    /**
     * A scheduler event: the wake-up of a waiting vCPU thread names its cause; the wake-up of any
     * other thread (a backend) records the vCPU whose exit rang its doorbell, or forgets it.
     */
    private void schedWakeup(int tid, EventKind kind, int wokenThread) {
        if (kind == EventKind.SCHED_SWITCH || wokenThread == NO_THREAD) {
            return;
        }
        if (kind == EventKind.SCHED_WAKING) {
            hasWaking = true;
        } else if (hasWaking) {
            return;
        }
        HostThread cause = wokenByAnInterrupt(tid) ? null : chainOf(tid);
        HostThread woken = threads.get(wokenThread);
        if (woken != null && woken.runsGuest) {
            causeWait(woken, cause);
        } else {
            doorbellOf.put(wokenThread, cause);
        }
    }

    /**
     * A wake-up traced on a vCPU thread that is in its guest came from a host interrupt taken there
     * (a timer of another vCPU expiring on that CPU: SVM kernels trace it before the interrupt's
     * {@code kvm_exit}), not from that vCPU: no cause. VMX kernels trace {@code kvm_exit} before
     * the interrupt is handled, so there such a wake-up still names the interrupted vCPU.
     */
    private boolean wokenByAnInterrupt(int tid) {
        HostThread thread = threads.get(tid);
        return thread != null && thread.inGuest;
    }

    /** The vCPU a wake-up from thread {@code tid} stands for: itself if it runs a guest, else the vCPU that woke it; null if none. */
    private HostThread chainOf(int tid) {
        HostThread thread = threads.get(tid);
        return thread != null && thread.runsGuest ? thread : doorbellOf.get(tid);
    }

    /** {@code cause}'s chain woke {@code waiter}: if it waits, it will shrink by what the chain's vCPU saved since the wait began. */
    private void causeWait(HostThread waiter, HostThread cause) {
        if (cause == null || waiter.savedAtWaitStart == null) {
            return;
        }
        long[] saved = new long[recording.projector().configurations().size()];
        if (cause != waiter && cause.savedNs != null) {
            long[] before = waiter.savedAtWaitStart.get(cause);
            for (int i = 0; i < saved.length; i++) {
                saved[i] = cause.savedNs[i] - (before == null ? 0 : before[i]);
            }
        }
        waiter.causeSavedNs = saved;
    }

    /**
     * The tracer lost events on {@code pcpu} (-1: on an unknown CPU): the threads last seen on that
     * CPU (all of them, for -1) close their open episode as incomplete and resynchronize.
     */
    public void eventsLost(int pcpu, Recording into) {
        recording = into;
        for (HostThread thread : threads.values()) {
            if (thread.tracker != null && (pcpu < 0 || thread.lastPcpu == pcpu || thread.lastPcpu < 0)) {
                thread.tracker.eventsLost(thread);
            }
        }
    }

    /** The capture agent lost events of the CPU thread {@code tid} last ran on: its open episode is not whole. */
    public void eventsLostOf(int tid, Recording into) {
        recording = into;
        HostThread thread = threads.get(tid);
        if (thread != null && thread.tracker != null) {
            thread.tracker.eventsLost(thread);
        }
    }

    /**
     * Thread {@code tid} is done for now (the job's idle close): its open episode ends as the
     * model's {@code TRACE_ENDED} and its tracker is dropped. What the critical path knows of it
     * (its vCPU id, its savings) stays: a wait it caused may still end.
     */
    public void close(int tid, Recording into) {
        recording = into;
        HostThread thread = threads.get(tid);
        if (thread != null && thread.tracker != null) {
            end(thread);
            thread.tracker = null;
        }
    }

    /** End of input: closes every thread's open episode as incomplete; the counters stay readable. */
    public void finish(Recording into) {
        recording = into;
        threads.values().forEach(HostReplay::end);
    }

    /** The thread's open episode ends incomplete: a wait it was in can no longer be shortened. */
    private static void end(HostThread thread) {
        thread.tracker.finish(thread);
        thread.savedAtWaitStart = null;
        thread.causeSavedNs = null;
    }

    /** Gives each thread's tracker counters with its app (threads the job closed have none). */
    public void trackerCounters(BiConsumer<String, TrackerCounters> byApp) {
        threads.values().forEach(t -> {
            if (t.tracker != null) {
                byApp.accept(t.app, t.tracker.counters());
            }
        });
    }

    /** The apps of the vCPU threads seen (threads that entered a guest; a backend injecting interrupts is none), one per thread. */
    public List<String> vcpuThreadApps() {
        return threads.values().stream().filter(t -> t.runsGuest).map(t -> t.app).toList();
    }

}
