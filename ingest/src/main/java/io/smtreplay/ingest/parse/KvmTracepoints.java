package io.smtreplay.ingest.parse;

import java.util.Set;

/** Which tracepoint names belong to the kvm and kvmmmu systems (printed without system by ftrace and trace-cmd). */
final class KvmTracepoints {

    /** kvmmmu events whose names do not start with {@code kvm_}. */
    private static final Set<String> KVMMMU_WITHOUT_PREFIX = Set.of(
            "fast_page_fault", "mark_mmio_spte", "handle_mmio_page_fault", "check_mmio_spte",
            "vcpu_match_mmio");

    private KvmTracepoints() {
    }

    static boolean isKvm(String system, String event) {
        if (system != null) {
            return system.equals("kvm") || system.equals("kvmmmu");
        }
        return event.startsWith("kvm_") || KVMMMU_WITHOUT_PREFIX.contains(event);
    }

    /** A plausible tracepoint identifier (so that prose like {@code Note:} is not taken for one). */
    static boolean isIdentifier(CharSequence s, int start, int end) {
        if (end <= start) {
            return false;
        }
        char first = s.charAt(start);
        if (!(first == '_' || (first >= 'a' && first <= 'z'))) {
            return false;
        }
        for (int i = start + 1; i < end; i++) {
            char c = s.charAt(i);
            if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
