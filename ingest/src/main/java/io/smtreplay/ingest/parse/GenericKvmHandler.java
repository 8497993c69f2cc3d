package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.TraceEvent;
import java.util.Map;
import java.util.Set;

/**
 * Every other kvm/kvmmmu tracepoint: parsed, its text kept as payload, the vCPU typed when the
 * event starts with {@code vcpu N}; {@code kvm_nested_intr_vmexit}'s {@code rip:} is typed too.
 * For wrapped lines it knows the field names of the TP_printk formats (a payload ending in one
 * of them waits for its value) and, for a few events, the last field of the format.
 */
final class GenericKvmHandler implements TracepointHandler {

    /** Field names printed by kvm TP_printk formats (kvm and kvmmmu), from the formats document. */
    private static final Set<String> KEYS = Set.of("vcpu", "vcpu_id", "rip", "address", "error_code", "reason", "gsi",
            "level", "source", "apicid", "vec", "vector", "dst", "irq", "pin", "chip", "func", "idx", "rax", "rbx", "rcx",
            "rdx", "gpa", "gva", "len", "val", "token", "size", "count", "at", "nr", "a0", "a1", "a2", "a3", "code",
            "cr_read", "cr_write", "excp", "intercepts", "intercept", "asid", "slb", "irqchip", "mmio", "sptep", "old",
            "new", "spurious", "fixed", "smbase", "delta", "time", "polling", "prev", "next", "cpl", "in", "out", "cnt",
            "var_cnt", "rep_cnt", "result");

    /** Events whose format ends with a known field (key, number of values). */
    private static final Map<String, Map.Entry<String, Integer>> LAST_FIELD = Map.of(
            "kvm_nested_intercepts", Map.entry("intercepts", 3),
            "kvm_page_fault", Map.entry("error_code", 1),
            "kvm_nested_intr_vmexit", Map.entry("rip", 1),
            "kvm_cpuid", Map.entry("cpuid", 1));

    private final String tracepoint;

    GenericKvmHandler(String tracepoint) {
        this.tracepoint = tracepoint;
    }

    @Override
    public Set<String> keys() {
        return KEYS;
    }

    @Override
    public void decode(String[] tokens, TraceEvent.Builder event, IsaContext isa) throws MalformedPayloadException {
        if (tokens.length == 0) {
            throw new MalformedPayloadException(RefusalReason.TRUNCATED, tracepoint + " without its payload");
        }
        if (tokens.length >= 2 && (tokens[0].equals("vcpu") || tokens[0].equals("vcpu_id"))) {
            try {
                event.vcpu(PayloadFields.decimal(tokens[1], "vcpu"));
            } catch (MalformedPayloadException e) {
                // not every "vcpu" is followed by its number in a free-text payload: keep it as text
            }
        }
        if (EventKind.ofTracepoint(tracepoint) == EventKind.NESTED_INTR_VMEXIT && tokens.length >= 2 && tokens[0].equals("rip:")) {
            event.guestRip(PayloadFields.hex(tokens[1], "rip"));
        }
        event.isa(isa.current());
    }

    @Override
    public boolean complete(String[] tokens) {
        if (tokens.length == 0) {
            return false;
        }
        String last = tokens[tokens.length - 1];
        if (KEYS.contains(PayloadFields.normalizeKey(last)) || last.endsWith(":") || last.endsWith("=")) {
            return false;
        }
        Map.Entry<String, Integer> lastField = LAST_FIELD.get(tracepoint);
        if (lastField != null) {
            PayloadFields f = PayloadFields.of(tokens, Set.of(lastField.getKey()));
            if (tracepoint.equals("kvm_cpuid")) {
                return f.has("cpuid") || !java.util.Arrays.asList(tokens).contains("func");
            }
            return f.get(lastField.getKey()).size() >= lastField.getValue();
        }
        return true;
    }
}
