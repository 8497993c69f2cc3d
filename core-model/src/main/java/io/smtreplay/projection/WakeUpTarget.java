package io.smtreplay.projection;

/**
 * The vCPU a wake-up event is aimed at, read from the tracepoint's own text (formats in
 * ../shared/model/kvm-tracepoint-formats.md): {@code kvm_apic_accept_irq: apicid %x vec %u (...)},
 * {@code kvm_apic_ipi: dst %x vec %u (...)}, {@code kvm_msi_set_irq: dst %x vec %u (...)}. Events
 * that name no single vCPU ({@code kvm_set_irq}'s GSI, broadcasts) give none.
 */
final class WakeUpTarget {

    private WakeUpTarget() {
    }

    /** The target APIC id, or -1 when the event is not a wake-up of one vCPU. */
    /** The target APIC id of tracepoint {@code tracepoint} printing {@code text}, or -1. */
    static int apicId(String tracepoint, String text) {
        if (tracepoint == null) {
            return -1;
        }
        String key = switch (tracepoint) {
            case "kvm_apic_accept_irq" -> "apicid ";
            case "kvm_apic_ipi", "kvm_msi_set_irq" -> "dst ";
            default -> null;
        };
        if (key == null || text == null) {
            return -1;
        }
        int at = text.indexOf(key);
        if (at < 0) {
            return -1;
        }
        int start = at + key.length();
        int end = start;
        while (end < text.length() && Character.digit(text.charAt(end), 16) >= 0) {
            end++;
        }
        if (end == start || end - start > 7) {
            return -1;
        }
        int id = Integer.parseInt(text, start, end, 16);
        return id == 0xff ? -1 : id; // 0xff: xAPIC broadcast
    }
}
