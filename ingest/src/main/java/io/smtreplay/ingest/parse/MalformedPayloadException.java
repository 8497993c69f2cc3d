package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

/** A kvm event whose payload does not decode: refused with {@link #reason()}. No stack trace: it is routine. */
final class MalformedPayloadException extends Exception {
    private final RefusalReason reason;

    MalformedPayloadException(RefusalReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    RefusalReason reason() {
        return reason;
    }
}
