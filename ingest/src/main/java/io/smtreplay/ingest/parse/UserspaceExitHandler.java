package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.trace.TraceEvent;
import java.util.Set;

/**
 * {@code kvm_userspace_exit}: {@code reason KVM_EXIT_IO (2)}, {@code reason restart (4)},
 * {@code reason error (14)}. The KVM_EXIT_* reason is not a hardware exit reason, so it stays in
 * the payload; the event's kind is what the model needs.
 */
final class UserspaceExitHandler implements TracepointHandler {
    private static final Set<String> KEYS = Set.of("reason");

    @Override
    public Set<String> keys() {
        return KEYS;
    }

    @Override
    public void decode(String[] tokens, TraceEvent.Builder event, IsaContext isa) throws MalformedPayloadException {
        PayloadFields f = PayloadFields.of(tokens, KEYS);
        if (!f.hasValue("reason")) {
            throw new MalformedPayloadException(RefusalReason.TRUNCATED, "kvm_userspace_exit without its reason");
        }
        event.isa(isa.current());
    }

    @Override
    public boolean complete(String[] tokens) {
        if (tokens.length == 0) {
            return false;
        }
        String last = tokens[tokens.length - 1];
        return last.startsWith("(") && last.endsWith(")");
    }
}
