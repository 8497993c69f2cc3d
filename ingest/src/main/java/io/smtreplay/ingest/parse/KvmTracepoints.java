package io.smtreplay.ingest.parse;

import java.util.Set;

/**
 * Which tracepoints belong to the kvm and kvmmmu trace systems. perf prints the system
 * ({@code kvm:kvm_exit}); ftrace and trace-cmd do not, so there the name decides: every kvm
 * tracepoint is called {@code kvm_*} except a few kvm/kvmmmu ones listed here.
 */
public final class KvmTracepoints {
    private static final Set<String> KVM_SYSTEMS = Set.of("kvm", "kvmmmu");
    private static final Set<String> NOT_KVM_PREFIXED = Set.of("vcpu_match_mmio", "fast_page_fault", "mark_mmio_spte",
            "handle_mmio_page_fault", "check_mmio_spte");

    private KvmTracepoints() {
    }

    public static boolean isKvm(String system, String name) {
        if (system != null) {
            return KVM_SYSTEMS.contains(system);
        }
        return name.startsWith("kvm_") || NOT_KVM_PREFIXED.contains(name);
    }
}
