package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.trace.TraceEvent;
import java.util.Set;

/**
 * {@code kvm_entry}: {@code vcpu N} (≤ 5.9), {@code vcpu N, rip 0x..} (5.10+),
 * {@code vcpu N, rip 0x..[immediate exit]} (newest).
 */
final class EntryHandler implements TracepointHandler {
    private static final Set<String> KEYS = Set.of("vcpu", "rip");

    @Override
    public Set<String> keys() {
        return KEYS;
    }

    @Override
    public void decode(String[] tokens, TraceEvent.Builder event, IsaContext isa) throws MalformedPayloadException {
        PayloadFields f = PayloadFields.of(tokens, KEYS);
        if (!f.hasValue("vcpu")) {
            throw new MalformedPayloadException(tokens.length == 0 || f.has("vcpu")
                    ? RefusalReason.TRUNCATED : RefusalReason.MALFORMED_KVM_EVENT, "kvm_entry without its vcpu");
        }
        event.vcpu(PayloadFields.decimal(f.first("vcpu"), "vcpu"));
        String rip = f.first("rip");
        if (rip != null) {
            int bracket = rip.indexOf('[');
            event.guestRip(PayloadFields.hex(bracket > 0 ? rip.substring(0, bracket) : rip, "rip"));
        }
        event.isa(isa.current());
    }

    @Override
    public boolean complete(String[] tokens) {
        PayloadFields f = PayloadFields.of(tokens, KEYS);
        return f.hasValue("vcpu") && !f.lastIsKey();
    }
}
