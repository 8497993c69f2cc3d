package io.smtreplay.synth;

import io.smtreplay.synth.SynthEvent.Tp;
import io.smtreplay.episode.EpisodeType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The stock nested I/O path as causes and effects, one request at a time, so that every wait in the
 * trace has the wake-up that ends it:
 * <ol>
 *   <li>an L2 vCPU (the one furthest behind) runs its cycle; its virtio doorbell is reflected to L1,
 *       whose handler writes the x2APIC ICR: L0 traces {@code kvm_apic_accept_irq} for L1's I/O vCPU
 *       and, when that vCPU is halted, {@code sched_waking}/{@code sched_wakeup} of its thread;</li>
 *   <li>L1's I/O vCPU wakes, kicks L0's device (an L1 MMIO exit: {@code sched_waking} of L0's
 *       backend thread, vhost) and halts;</li>
 *   <li>the backend, after the device time, injects the completion (irqfd: {@code kvm_msi_set_irq},
 *       {@code kvm_apic_accept_irq}) and wakes the I/O vCPU's thread;</li>
 *   <li>the I/O vCPU interrupts L2's vCPU with an IPI ({@code kvm_apic_accept_irq}, and the
 *       scheduler's wake-up when L1 halted that vCPU), then halts until the next request;</li>
 *   <li>the L2 vCPU's reflected HLT ends at that wake-up; L1 injects the interrupt and resumes L2.</li>
 * </ol>
 * Requests of several L2 vCPUs queue at the one I/O vCPU. Events are handed out in time order: a
 * request is made before any event at or after the time the slowest thread has reached.
 */
final class IoRoundTrips {
    /** From a wake-up to the woken thread running again (assumed: an idle host CPU leaving a shallow C-state). */
    static final long WAKE_LATENCY_NS = 3_000;
    /** The virtio queue's MSI vector (assumed), and L1's IPI: Linux's RESCHEDULE_VECTOR, which wakes a thread on another CPU. */
    private static final long DEVICE_VECTOR = 35;
    private static final long IPI_VECTOR = 0xfd;

    private final List<VcpuTimeline> l2Vcpus;
    private final List<Boolean> finished = new ArrayList<>();
    private final VcpuTimeline io;
    private final VcpuThread backend;
    private final WorkloadMix mix;
    private final WorkloadMix.IoPath path;
    private final PriorityQueue<SynthEvent> ready = new PriorityQueue<>(
            Comparator.comparingLong((SynthEvent e) -> e.timeNs).thenComparingLong(e -> e.order));
    private long order;
    private boolean done;
    /** The device times' draws, seeded from the backend's thread id (itself from the spec's seed): same arguments, same trace. */
    private final java.util.SplittableRandom deviceRng;

    IoRoundTrips(List<VcpuTimeline> l2Vcpus, VcpuTimeline io, VcpuThread backend, WorkloadMix mix) {
        this.l2Vcpus = List.copyOf(l2Vcpus);
        this.io = io;
        this.backend = backend;
        this.mix = mix;
        this.path = mix.io();
        this.deviceRng = new java.util.SplittableRandom(backend.tid());
        l2Vcpus.forEach(v -> finished.add(false));
    }

    /** The next event in time order, null at the end. */
    SynthEvent poll() {
        while (!done && (ready.isEmpty() || ready.peek().timeNs >= horizon())) {
            request();
        }
        return ready.poll();
    }

    /** No event made later can be earlier than where the slowest thread is. */
    private long horizon() {
        long h = io.now();
        for (int i = 0; i < l2Vcpus.size(); i++) {
            if (!finished.get(i)) {
                h = Math.min(h, l2Vcpus.get(i).now());
            }
        }
        return h;
    }

    private void request() {
        requestPath();
        collect();
    }

    /** One request of the L2 vCPU furthest behind, through L1's I/O vCPU and L0's backend and back. */
    private void requestPath() {
        int who = -1;
        for (int i = 0; i < l2Vcpus.size(); i++) {
            if (!finished.get(i) && (who < 0 || l2Vcpus.get(i).now() < l2Vcpus.get(who).now())) {
                who = i;
            }
        }
        if (who < 0) {
            done = true;
            return;
        }
        VcpuTimeline l2 = l2Vcpus.get(who);
        List<WorkloadStep> cycle = mix.l2Cycle();
        // the doorbell: the first step of the cycle; L1's handler sends the IPI to its I/O vCPU
        if (!l2.run(cycle.get(0))) {
            finished.set(who, true);
            return;
        }
        long doorbell = l2.lastIcrWriteNs();
        add(doorbell + 50, l2, Tp.APIC_ACCEPT_IRQ, io.thread(), IPI_VECTOR);
        long ioWakes = doorbell + 150 + WAKE_LATENCY_NS;
        if (halts(io, path.awaitRequest(), ioWakes)) {
            wake(doorbell + 100, l2, io.thread());
            io.wakeAt(ioWakes);
            if (!io.run(path.awaitRequest())) {
                done = true;
                return;
            }
        } else {
            io.advanceTo(doorbell);
        }
        // L1's I/O vCPU kicks L0's device: the backend thread wakes
        if (!io.run(path.kick())) {
            done = true;
            return;
        }
        long kick = io.lastMmioKickNs();
        wake(kick + 50, io, backend);
        long completion = kick + 100 + WAKE_LATENCY_NS + deviceNs();
        add(completion, backend, Tp.MSI_SET_IRQ, io.thread(), DEVICE_VECTOR);
        add(completion + 100, backend, Tp.APIC_ACCEPT_IRQ, io.thread(), DEVICE_VECTOR);
        wake(completion + 200, backend, io.thread());
        io.wakeAt(completion + 300 + WAKE_LATENCY_NS);
        if (!io.run(path.awaitCompletion()) || !io.run(path.interruptL2())) {
            done = true;
            return;
        }
        long ipi = io.lastIcrWriteNs();
        add(ipi + 50, io, Tp.APIC_ACCEPT_IRQ, l2.thread(), IPI_VECTOR);
        long l2Wakes = ipi + 150 + WAKE_LATENCY_NS;
        // the rest of L2's cycle: its reflected HLT ends at the IPI's wake-up
        for (int i = 1; i < cycle.size(); i++) {
            WorkloadStep step = cycle.get(i);
            if (!l2.draw(step.probability())) {
                continue;
            }
            if (isReflectedHalt(step)) {
                if (!halts(l2, step, l2Wakes)) {
                    continue; // the reply came while L2 still ran: no halt
                }
                wake(ipi + 100, io, l2.thread());
                l2.wakeAt(l2Wakes);
            }
            if (!l2.run(step)) {
                finished.set(who, true);
                return;
            }
        }
    }

    /** Whether {@code vcpu}, taking {@code halt} next, halts before {@code wakeNs} (else it has no wait to end). */
    private static boolean halts(VcpuTimeline vcpu, WorkloadStep halt, long wakeNs) {
        return vcpu.now() + halt.guestNs() + 5_000 < wakeNs;
    }

    private static boolean isReflectedHalt(WorkloadStep step) {
        EpisodeTemplate e = step.episode();
        return e.type() == EpisodeType.L2_EXIT_REFLECTED && e.trap().exit() == GuestExit.HLT;
    }

    private long deviceNs() {
        double f = 1 + mix.jitter() * (2 * deviceRng.nextDouble() - 1);
        return Math.round(path.deviceNs() * f);
    }

    /** The scheduler wakes {@code woken} from {@code waker}'s thread: sched_waking, then sched_wakeup. */
    private void wake(long t, VcpuTimeline waker, VcpuThread woken) {
        wake(t, waker.thread(), woken);
    }

    private void wake(long t, VcpuThread waker, VcpuThread woken) {
        add(t, waker, Tp.SCHED_WAKING, woken, 0);
        add(t + 20, waker, Tp.SCHED_WAKEUP, woken, 0);
    }

    private void add(long t, VcpuTimeline from, Tp tp, VcpuThread target, long vector) {
        add(t, from.thread(), tp, target, vector);
    }

    private void add(long t, VcpuThread from, Tp tp, VcpuThread target, long vector) {
        SynthEvent e = new SynthEvent(t, from, tp);
        e.target = target;
        e.value = vector;
        e.order = order++;
        ready.add(e);
    }

    /** Moves what the vCPU timelines made into the time-ordered queue. */
    private void collect() {
        for (VcpuTimeline v : l2Vcpus) {
            v.drainTo(this::ready);
        }
        io.drainTo(this::ready);
    }

    private void ready(SynthEvent e) {
        e.order = order++;
        ready.add(e);
    }
}
