package io.smtreplay.ingest.parse;

import java.util.Set;

/**
 * Which tracepoints are read as events: those of the kvm and kvmmmu trace systems, and the
 * scheduler's wake-up and switch events (the causes of waits). perf prints the system
 * ({@code kvm:kvm_exit}); ftrace and trace-cmd do not, so there the name decides: every kvm
 * tracepoint is called {@code kvm_*} except a few kvm/kvmmmu ones listed here, and the sched
 * ones are named in full. Every other record is refused as {@code not-kvm-event}.
 */
public final class KvmTracepoints {
    private static final Set<String> KVM_SYSTEMS = Set.of("kvm", "kvmmmu");
    private static final Set<String> NOT_KVM_PREFIXED = Set.of("vcpu_match_mmio", "fast_page_fault", "mark_mmio_spte",
            "handle_mmio_page_fault", "check_mmio_spte");

    private static final Set<String> SCHED = Set.of("sched_wakeup", "sched_wakeup_new", "sched_waking", "sched_switch");

    private KvmTracepoints() {
    }

    /** Whether the record is read as an event: a kvm/kvmmmu tracepoint or a sched wake-up/switch. */
    public static boolean isModelled(String system, String name) {
        return isKvm(system, name) || isSched(system, name);
    }

    /** {@code sched_wakeup}, {@code sched_wakeup_new}, {@code sched_waking}, {@code sched_switch} (system {@code sched} when printed). */
    public static boolean isSched(String system, String name) {
        return (system == null || system.equals("sched")) && SCHED.contains(name);
    }

    public static boolean isKvm(String system, String name) {
        if (system != null) {
            return KVM_SYSTEMS.contains(system);
        }
        return name.startsWith("kvm_") || NOT_KVM_PREFIXED.contains(name);
    }
}
