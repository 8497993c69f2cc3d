package io.smtreplay.projection;

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
     * True for a tracepoint whose payload names the one vCPU it wakes (its other events name none):
     * the only payload text the model reads, so a decoder of binary records, which has no printed
     * text, renders it (as the kernel prints it) for these events only.
     */
    public static boolean namesAVcpu(String tracepoint) {
        return "kvm_apic_accept_irq".equals(tracepoint) || "kvm_apic_ipi".equals(tracepoint)
                || "kvm_msi_set_irq".equals(tracepoint);
    }

    /** The target APIC id of an event of {@code tracepoint} printing {@code text}, or -1 when it is not a wake-up of one vCPU. */
    static int apicId(String tracepoint, String text) {
        if (!namesAVcpu(tracepoint) || text == null) {
            return -1;
        }
        String key = tracepoint.equals("kvm_apic_accept_irq") ? "apicid " : "dst ";
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
