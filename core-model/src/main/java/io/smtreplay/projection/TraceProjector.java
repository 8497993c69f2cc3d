package io.smtreplay.projection;

import io.smtreplay.episode.Episode;
import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.GuestInterval;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.episode.TrackerCounters;
import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.TraceEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;

/**
 * Offline replay of a whole trace: routes each event to the tracker of its vCPU thread (keyed by
 * source and thread id, since thread ids repeat across hosts and files) and records what the
 * trackers emit into one accumulator per app. Used by {@code project}, benchmarks and tests; the
 * streaming job does the same routing with keyed state (without the cross-vCPU part below).
 *
 * <p>Waits and their causes (the wall-clock speedup's critical path): when a vCPU thread W enters
 * an idle wait (an idle {@code kvm_exit}, or L2's idle exit reflected to L1), the savings so far of
 * every other thread of the source are noted. A wake-up aimed at W —
 * {@code kvm_apic_accept_irq} ({@code apicid}: IPIs and device interrupts, posted or not, traced in
 * the sender's context), {@code kvm_apic_ipi} or {@code kvm_msi_set_irq} ({@code dst}), or the
 * scheduler's {@code sched_waking}/{@code sched_wakeup} of W's thread — names W's cause, the waker's
 * chain: a vCPU thread (one that enters a guest) is its own chain; a thread that is not (L0's
 * backend: a QEMU I/O thread, vhost) stands for the vCPU whose exit last woke it (the doorbell: that
 * vCPU's exit, then the scheduler's wake-up of the backend from its thread; a backend woken by
 * another backend inherits that one's vCPU). When W's wait ends it shrinks by what the chain's vCPU
 * saved since the wait began (one level: the cause's own waits are not followed; W's own doorbell
 * saved nothing while W waited: explained, unchanged). A wait whose waker has no such chain, or with
 * no wake-up event, is held fixed and counted as unexplained. A wake-up traced on a vCPU thread
 * inside its guest is a host interrupt's, not that vCPU's: no cause (see {@code wokenByAnInterrupt}). The APIC id is taken to be the vCPU id
 * printed by {@code kvm_entry}/{@code kvm_exit} (QEMU's default x86 topology). Where a source has
 * {@code sched_waking} (always traced in the waker's context) its {@code sched_wakeup}s are not
 * read: since Linux 4.3 they may be traced on the woken task's CPU, in another thread's context.
 */
public final class TraceProjector {

    private record VcpuKey(String source, int tid) {
    }

    private final class Vcpu {
        final EpisodeTracker tracker;
        final String app;
        final String source;
        final ProjectionAccumulator acc;
        final EpisodeSink sink;
        int lastPcpu = -1;
        int vcpuId = -1;
        /** Seen entering or leaving a guest: a vCPU thread, not a backend thread that only injects interrupts. */
        boolean runsGuest;
        /** Between its {@code kvm_entry} and the next exit: what is traced in its context now is a host interrupt's. */
        boolean inGuest;
        /** What this thread's complete episodes saved so far, per configuration. */
        final long[] savedNs;
        /** In an idle wait: the other threads' savings when it began; null when not waiting. */
        Map<Vcpu, long[]> savedAtWaitStart;
        /** The thread whose wake-up ended the current wait, and what it saved meanwhile. */
        Vcpu cause;
        long[] causeSavedNs;

        Vcpu(int tid, String app, String source) {
            this.tracker = new EpisodeTracker(tid);
            this.app = app;
            this.source = source;
            this.acc = byApp.computeIfAbsent(app, a -> projector.newAccumulator());
            this.savedNs = new long[projector.configurations().size()];
            EpisodeSink recording = projector.sinkInto(acc);
            this.sink = new EpisodeSink() {
                @Override
                public void episode(Episode episode) {
                    recording.episode(episode);
                    long[] saved = projector.savings(episode);
                    for (int i = 0; i < saved.length; i++) {
                        savedNs[i] += saved[i];
                    }
                    if (episode.isComplete() && episode.waitNs() > 0) {
                        waitEnded(Vcpu.this, episode);
                    }
                }

                @Override
                public void guestTime(GuestInterval interval) {
                    recording.guestTime(interval);
                }
            };
        }
    }

    private final Projector projector;
    private final Map<VcpuKey, Vcpu> vcpus = new HashMap<>();
    private final Map<String, List<Vcpu>> vcpusBySource = new HashMap<>();
    private final Map<String, ProjectionAccumulator> byApp = new TreeMap<>();
    private final Map<String, TrackerCounters> countersByApp = new TreeMap<>();
    /** Threads that enter no guest (L0's backends), by source and thread id: the vCPU whose exit last woke them. */
    private final Map<VcpuKey, Vcpu> doorbellOf = new HashMap<>();
    private final Set<String> sourcesWithWaking = new HashSet<>();
    private boolean finished;
    private Vcpu lastVcpu;
    private String lastSource;

    public TraceProjector(Projector projector) {
        this.projector = projector;
    }

    public Projector projector() {
        return projector;
    }

    /** One event of {@code source} (a file, a host), labelled with its app. */
    public void accept(String app, String source, TraceEvent event) {
        if (finished) {
            throw new IllegalStateException("finish() was called");
        }
        if (event.kind().isScheduler()) {
            schedWakeup(source, event);
            return; // the scheduler's events move no episode, and a backend thread is no vCPU
        }
        Vcpu vcpu;
        if (lastVcpu != null && lastVcpu.tracker.thread() == event.tid() && source.equals(lastSource)) {
            vcpu = lastVcpu; // traces come in runs of one thread's events
        } else {
            VcpuKey key = new VcpuKey(source, event.tid());
            vcpu = vcpus.get(key);
            if (vcpu == null) {
                vcpu = new Vcpu(event.tid(), app, source);
                vcpus.put(key, vcpu);
                vcpusBySource.computeIfAbsent(source, s -> new ArrayList<>()).add(vcpu);
            }
            lastVcpu = vcpu;
            lastSource = source;
        }
        if (event.pcpu() >= 0) {
            vcpu.lastPcpu = event.pcpu();
        }
        if (event.kind() == EventKind.ENTRY || event.kind() == EventKind.EXIT || event.kind() == EventKind.NESTED_VMEXIT) {
            vcpu.inGuest = event.kind() == EventKind.ENTRY;
        }
        if (event.kind() == EventKind.ENTRY || event.kind() == EventKind.EXIT) {
            vcpu.runsGuest = true;
            if (event.vcpu() >= 0) {
                vcpu.vcpuId = event.vcpu();
            }
        }
        noteWaitsAndCauses(vcpu, event);
        vcpu.tracker.accept(event, vcpu.sink);
    }

    private void noteWaitsAndCauses(Vcpu vcpu, TraceEvent event) {
        EventKind kind = event.kind();
        if ((kind == EventKind.EXIT || kind == EventKind.NESTED_VMEXIT_INJECT) && event.reason() != null
                && ExitReasons.isIdle(event.reason()) && vcpu.savedAtWaitStart == null) {
            Map<Vcpu, long[]> snapshot = new HashMap<>();
            for (Vcpu other : vcpusBySource.get(vcpu.source)) {
                if (other != vcpu) {
                    snapshot.put(other, other.savedNs.clone());
                }
            }
            vcpu.savedAtWaitStart = snapshot;
            vcpu.cause = null;
        } else if (kind == EventKind.OTHER_KVM) {
            int target = WakeUpTarget.apicId(event);
            if (target < 0) {
                return;
            }
            Vcpu cause = chainOf(vcpu.source, vcpu.tracker.thread());
            for (Vcpu waiter : vcpusBySource.get(vcpu.source)) {
                if (waiter != vcpu && waiter.vcpuId == target) {
                    causeWait(waiter, cause);
                }
            }
        }
    }

    /**
     * A scheduler event: the wake-up of a waiting vCPU thread names its cause; the wake-up of any
     * other thread (a backend) records the vCPU whose exit rang its doorbell, or forgets it.
     */
    private void schedWakeup(String source, TraceEvent event) {
        EventKind kind = event.kind();
        if (kind == EventKind.SCHED_SWITCH || event.wokenThread() == null) {
            return;
        }
        if (kind == EventKind.SCHED_WAKING) {
            sourcesWithWaking.add(source);
        } else if (sourcesWithWaking.contains(source)) {
            return;
        }
        Vcpu cause = wokenByAnInterrupt(source, event.tid()) ? null : chainOf(source, event.tid());
        VcpuKey wokenKey = new VcpuKey(source, event.wokenThread());
        Vcpu woken = vcpus.get(wokenKey);
        if (woken != null && woken.runsGuest) {
            causeWait(woken, cause);
        } else {
            doorbellOf.put(wokenKey, cause);
        }
    }

    /**
     * A wake-up traced on a vCPU thread that is in its guest came from a host interrupt taken there
     * (a timer of another vCPU expiring on that CPU: SVM kernels trace it before the interrupt's
     * {@code kvm_exit}), not from that vCPU: no cause. VMX kernels trace {@code kvm_exit} before
     * the interrupt is handled, so there such a wake-up still names the interrupted vCPU.
     */
    private boolean wokenByAnInterrupt(String source, int tid) {
        Vcpu thread = vcpus.get(new VcpuKey(source, tid));
        return thread != null && thread.inGuest;
    }

    /** The vCPU a wake-up from thread {@code tid} stands for: itself if it runs a guest, else the vCPU that woke it; null if none. */
    private Vcpu chainOf(String source, int tid) {
        VcpuKey key = new VcpuKey(source, tid);
        Vcpu thread = vcpus.get(key);
        return thread != null && thread.runsGuest ? thread : doorbellOf.get(key);
    }

    /** {@code cause}'s chain woke {@code waiter}: if it waits, it will shrink by what the chain's vCPU saved since the wait began. */
    private void causeWait(Vcpu waiter, Vcpu cause) {
        if (cause == null || waiter.savedAtWaitStart == null) {
            return;
        }
        long[] saved = new long[cause.savedNs.length];
        if (cause != waiter) {
            long[] before = waiter.savedAtWaitStart.get(cause);
            for (int i = 0; i < saved.length; i++) {
                saved[i] = cause.savedNs[i] - (before == null ? 0 : before[i]);
            }
        }
        waiter.cause = cause;
        waiter.causeSavedNs = saved;
    }

    /** A wait of {@code waiter} ended with {@code episode}: shortened by its cause's saving, if it had one. */
    private void waitEnded(Vcpu waiter, Episode episode) {
        if (waiter.cause != null) {
            projector.shortenWait(episode, waiter.causeSavedNs, waiter.acc);
        }
        waiter.savedAtWaitStart = null;
        waiter.cause = null;
        waiter.causeSavedNs = null;
    }

    /**
     * The tracer of {@code source} lost events on {@code pcpu} (-1: on an unknown CPU): the
     * vCPU threads last seen on that CPU (all of the source's, for -1) close their open episode
     * as incomplete and resynchronize.
     */
    public void eventsLost(String source, int pcpu) {
        vcpus.forEach((key, vcpu) -> {
            if (key.source().equals(source) && (pcpu < 0 || vcpu.lastPcpu == pcpu || vcpu.lastPcpu < 0)) {
                vcpu.tracker.eventsLost(vcpu.sink);
            }
        });
    }

    /** End of input: closes every open episode as incomplete and gathers the trackers' counters. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        for (Vcpu vcpu : vcpus.values()) {
            vcpu.tracker.finish(vcpu.sink);
            countersByApp.computeIfAbsent(vcpu.app, a -> new TrackerCounters()).merge(vcpu.tracker.counters());
        }
    }

    /** Accumulators by app name, sorted. Complete after {@link #finish()}. */
    public Map<String, ProjectionAccumulator> byApp() {
        return Collections.unmodifiableMap(byApp);
    }

    /** The trackers' counters by app, after {@link #finish()}. */
    public Map<String, TrackerCounters> trackerCounters() {
        return Collections.unmodifiableMap(countersByApp);
    }

    /** vCPU threads seen (threads that entered a guest; a backend injecting interrupts is none). */
    public int vcpuThreads() {
        return (int) vcpus.values().stream().filter(v -> v.runsGuest).count();
    }

    /** vCPU threads seen, by app. */
    public Map<String, Integer> vcpuThreadsByApp() {
        Map<String, Integer> counts = new TreeMap<>();
        vcpus.values().stream().filter(v -> v.runsGuest).forEach(v -> counts.merge(v.app, 1, Integer::sum));
        return counts;
    }
}
