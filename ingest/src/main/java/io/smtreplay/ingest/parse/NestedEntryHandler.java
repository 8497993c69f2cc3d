package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.trace.Isa;
import io.smtreplay.trace.NestedEntry;
import io.smtreplay.trace.TraceEvent;
import java.util.Set;

/**
 * {@code kvm_nested_vmrun} (SVM, ≤ 6.x: {@code rip: vmcb: nrip: int_ctl: event_inj: npt: on|off}) and
 * {@code kvm_nested_vmenter} (VMX and SVM: {@code rip: vmcs|vmcb: nested_rip: int_ctl: event_inj:
 * nested_ept|nested_npt=y|n nested_eptp|nested_cr3|guest_cr3: ..}). {@code vmcs}/{@code ept} say VMX.
 */
final class NestedEntryHandler implements TracepointHandler {
    private static final Set<String> KEYS = Set.of("rip", "vmcb", "vmcs", "nrip", "nested_rip", "int_ctl", "event_inj",
            "npt", "guest_cr3", "nested_eptp", "nested_cr3");
    private static final Set<String> LAST_KEYS = Set.of("npt", "guest_cr3", "nested_eptp", "nested_cr3");

    @Override
    public Set<String> keys() {
        return KEYS;
    }

    @Override
    public void decode(String[] tokens, TraceEvent.Builder event, IsaContext isa) throws MalformedPayloadException {
        PayloadFields f = PayloadFields.of(tokens, KEYS);
        String vmcb = f.hasValue("vmcs") ? f.first("vmcs") : f.first("vmcb");
        String nestedRip = f.hasValue("nested_rip") ? f.first("nested_rip") : f.first("nrip");
        if (!f.hasValue("rip") || vmcb == null || nestedRip == null || !f.hasValue("int_ctl") || !f.hasValue("event_inj")) {
            throw new MalformedPayloadException(RefusalReason.TRUNCATED,
                    "nested entry without rip, vmcb/vmcs, nested rip, int_ctl or event_inj");
        }
        boolean tdp = false;
        if (f.hasValue("npt")) {
            tdp = f.first("npt").equals("on");
        }
        for (String t : tokens) {
            if (t.startsWith("nested_ept=") || t.startsWith("nested_npt=")) {
                tdp = t.endsWith("=y");
                isa.learn(t.startsWith("nested_ept=") ? Isa.VMX : Isa.SVM);
            }
        }
        if (f.has("vmcs")) {
            isa.learn(Isa.VMX);
        } else if (f.has("vmcb")) {
            isa.learn(Isa.SVM);
        }
        String pgd = f.hasValue("nested_eptp") ? f.first("nested_eptp")
                : f.hasValue("nested_cr3") ? f.first("nested_cr3") : f.first("guest_cr3");
        Long rip = PayloadFields.hex(f.first("rip"), "rip");
        event.guestRip(rip);
        event.nestedEntry(new NestedEntry(rip, PayloadFields.hex(vmcb, "vmcb"), PayloadFields.hex(nestedRip, "nested_rip"),
                PayloadFields.hex(f.first("int_ctl"), "int_ctl"), PayloadFields.hex(f.first("event_inj"), "event_inj"),
                tdp, PayloadFields.hex(pgd, "guest pgd")));
        event.isa(isa.current());
    }

    @Override
    public boolean complete(String[] tokens) {
        PayloadFields f = PayloadFields.of(tokens, KEYS);
        if (f.lastIsKey()) {
            return false;
        }
        for (String k : LAST_KEYS) {
            if (f.hasValue(k)) {
                return true;
            }
        }
        return false;
    }
}
