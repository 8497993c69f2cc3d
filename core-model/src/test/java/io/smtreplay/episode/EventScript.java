package io.smtreplay.episode;

import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.NestedEntry;
import io.smtreplay.trace.TraceEvent;

import java.util.ArrayList;
import java.util.List;

/** Builds a vCPU thread's event sequence the way L0's trace would show it, for tracker tests. */
public final class EventScript {

    private final Isa isa;
    private final int tid;
    private final List<TraceEvent> events = new ArrayList<>();

    public EventScript(Isa isa, int tid) {
        this.isa = isa;
        this.tid = tid;
    }

    public ExitReason reason(String name) {
        return ExitReasons.byName(name, isa).orElseThrow(() -> new IllegalArgumentException(name));
    }

    /** The vmcs12/vmcb12 address the script's nested entries print unless told otherwise. */
    public static final long VMCB12 = 0x4000;

    private EventScript add(String tracepoint, long ns, ExitReason reason) {
        return add(tracepoint, ns, reason, VMCB12);
    }

    private EventScript add(String tracepoint, long ns, ExitReason reason, long vmcb12) {
        TraceEvent.Builder b = TraceEvent.builder(tracepoint).timestampNs(ns).tid(tid).isa(isa).reason(reason);
        if (tracepoint.equals("kvm_nested_vmenter") || tracepoint.equals("kvm_nested_vmrun")) {
            b.nestedEntry(new NestedEntry(0x201c, vmcb12, 0x3000, 0, 0, true,
                    tracepoint.equals("kvm_nested_vmenter") ? 0x1000L : null));
        }
        events.add(b.build());
        return this;
    }

    public EventScript exit(long ns, String reason) {
        return add("kvm_exit", ns, reason(reason));
    }

    public EventScript nestedVmexit(long ns, String reason) {
        return add("kvm_nested_vmexit", ns, reason(reason));
    }

    /** kvm_exit + kvm_nested_vmexit at the same time: an L2 exit. */
    public EventScript l2Exit(long ns, String reason) {
        return exit(ns, reason).nestedVmexit(ns, reason);
    }

    public EventScript inject(long ns, String reason) {
        return add("kvm_nested_vmexit_inject", ns, reason(reason));
    }

    public EventScript vmenter(long ns) {
        return add("kvm_nested_vmenter", ns, null);
    }

    /** kvm_nested_vmenter of the L2 vCPU whose vmcs12/vmcb12 is at {@code vmcb12}. */
    public EventScript vmenter(long ns, long vmcb12) {
        return add("kvm_nested_vmenter", ns, null, vmcb12);
    }

    public EventScript vmrunOld(long ns) {
        return add("kvm_nested_vmrun", ns, null);
    }

    public EventScript entry(long ns) {
        return add("kvm_entry", ns, null);
    }

    public EventScript userspaceExit(long ns) {
        return add("kvm_userspace_exit", ns, null);
    }

    public EventScript other(long ns, String tracepoint) {
        return add(tracepoint, ns, null);
    }

    public EventScript untimed() {
        events.replaceAll(e -> e.toBuilder().timestampNs(TraceEvent.NO_TIMESTAMP).build());
        return this;
    }

    public List<TraceEvent> events() {
        return List.copyOf(events);
    }

    /** Runs the events through a fresh tracker, finishing it, and returns what it emitted. */
    public Recorded track() {
        EpisodeTracker tracker = new EpisodeTracker(tid);
        Recorded r = new Recorded(tracker);
        events.forEach(e -> tracker.accept(e, r.log));
        tracker.finish(r.log);
        return r;
    }

    /** What a tracker emitted. */
    public static final class Recorded {
        public final EpisodeTracker tracker;
        public final EpisodeLog log = new EpisodeLog();
        public final List<Episode> episodes = log.episodes();
        public final List<GuestInterval> guest = log.guestIntervals();

        Recorded(EpisodeTracker tracker) {
            this.tracker = tracker;
        }

        public Episode only() {
            if (episodes.size() != 1) {
                throw new AssertionError("expected one episode, got " + episodes);
            }
            return episodes.get(0);
        }
    }
}
