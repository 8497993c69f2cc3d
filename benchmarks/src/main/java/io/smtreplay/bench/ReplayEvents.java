package io.smtreplay.bench;

import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The event mix the replay benchmarks run: the nested SVM sequences of the capture lab's trace
 * (../shared/traces/lab/svm-nested-tinyvmm-k6.1-n2000.txt.gz, kernel 6.1), in its proportions —
 * per L2 loop iteration a cpuid, an io and a hlt, each reflected to L1, which writes to its
 * console port (a userspace io exit) and VMRUNs L2 again; now and then an L2 npf that L0 handles
 * — with the other tracepoints between them (kvm_fpu, kvm_pio, kvm_emulate_insn,
 * kvm_nested_intercepts) that the tracker must pass over. Events are built once and held in
 * memory; timestamps advance as in the lab trace.
 */
final class ReplayEvents {

    /** Events per benchmark invocation (a compile-time constant for {@code @OperationsPerInvocation}). */
    static final int EVENTS = 1 << 20;

    private static final int TID = 121;

    private ReplayEvents() {
    }

    static TraceEvent[] load(int count) {
        List<TraceEvent> out = new ArrayList<>(count + 64);
        long[] ns = {4_000_000_000L};
        out.add(event("kvm_entry", ns[0], null));
        int iteration = 0;
        while (out.size() < count) {
            for (String l2Reason : new String[] {"cpuid", "io", "hlt"}) {
                reflected(out, ns, l2Reason);
            }
            if (iteration++ % 250 == 0) {
                handledByL0(out, ns);
            }
        }
        return out.subList(0, count).toArray(new TraceEvent[0]);
    }

    private static void reflected(List<TraceEvent> out, long[] ns, String reason) {
        ExitReason r = reason(reason);
        out.add(event("kvm_exit", ns[0] += 25_000, r));
        out.add(event("kvm_nested_vmexit", ns[0] += 2_000, r));
        out.add(event("kvm_nested_vmexit_inject", ns[0] += 7_000, r));
        out.add(event("kvm_entry", ns[0] += 6_000, null));
        out.add(event("kvm_exit", ns[0] += 23_000, reason("io")));
        out.add(event("kvm_pio", ns[0] += 2_000, null));
        out.add(event("kvm_fpu", ns[0] += 5_000, null));
        out.add(event("kvm_userspace_exit", ns[0] += 3_000, null));
        out.add(event("kvm_fpu", ns[0] += 13_000, null));
        out.add(event("kvm_entry", ns[0] += 5_000, null));
        out.add(event("kvm_exit", ns[0] += 23_000, reason("vmrun")));
        out.add(event("kvm_emulate_insn", ns[0] += 15_000, null));
        out.add(event("kvm_nested_vmenter", ns[0] += 3_000, null));
        out.add(event("kvm_nested_intercepts", ns[0] += 1_000, null));
        out.add(event("kvm_entry", ns[0] += 9_000, null));
    }

    private static void handledByL0(List<TraceEvent> out, long[] ns) {
        ExitReason npf = reason("npf");
        out.add(event("kvm_exit", ns[0] += 40_000, npf));
        out.add(event("kvm_nested_vmexit", ns[0] += 4_000, npf));
        out.add(event("kvm_page_fault", ns[0] += 4_000, null));
        out.add(event("kvm_entry", ns[0] += 13_000, null));
    }

    private static ExitReason reason(String name) {
        return ExitReasons.byName(name, Isa.SVM).orElseThrow();
    }

    private static TraceEvent event(String tracepoint, long ns, ExitReason reason) {
        return TraceEvent.builder(tracepoint).timestampNs(ns).tid(TID).comm("tinyvmm").pcpu(0).vcpu(0)
                .isa(Isa.SVM).reason(reason).payload("").build();
    }
}
