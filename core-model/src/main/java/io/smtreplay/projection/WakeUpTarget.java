package io.smtreplay.projection;

import io.smtreplay.trace.TraceEvent;

/**
 * The vCPU a wake-up event is aimed at, read from the tracepoint's own text (formats in
 * ../shared/model/kvm-tracepoint-formats.md): {@code kvm_apic_accept_irq: apicid %x vec %u (...)},
 * {@code kvm_apic_ipi: dst %x vec %u (...)}, {@code kvm_msi_set_irq: dst %x vec %u (...)}. Events
 * that name no single vCPU ({@code kvm_set_irq}'s GSI, broadcasts) give none.
 */
public final class WakeUpTarget {

    private WakeUpTarget() {
    }

    /**
     * Whether the model reads this tracepoint's payload text: a decoder of binary records, which
     * has no printed text, renders it (as the kernel prints it) for these events only.
     */
    public static boolean readsPayloadOf(String tracepoint) {
        return keyOf(tracepoint) != null;
    }

    private static String keyOf(String tracepoint) {
        return switch (tracepoint) {
            case "kvm_apic_accept_irq" -> "apicid ";
            case "kvm_apic_ipi", "kvm_msi_set_irq" -> "dst ";
            default -> null;
        };
    }

    /** The target APIC id, or -1 when the event is not a wake-up of one vCPU. */
    static int apicId(TraceEvent event) {
        String key = keyOf(event.tracepoint());
        if (key == null) {
            return -1;
        }
        String text = event.payload();
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
