package io.smtreplay.cli;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.trace.Isa;

/**
 * Refuses to apply a profile to a trace of another ISA: a VMX world switch and an SVM one are
 * different hardware paths, so one's costs say nothing about the other's. The first event that
 * names another ISA stops the run with one line, unless the user insists; then the report says
 * so.
 */
final class IsaGuard {

    /** The trace is outside the profile's domain; the message is the one line the user sees. */
    static final class Mismatch extends RuntimeException {
        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    private final CostProfile profile;
    private final boolean allowed;
    private String warning;

    IsaGuard(CostProfile profile, boolean allowed) {
        this.profile = profile;
        this.allowed = allowed;
    }

    /** @throws Mismatch when the event's ISA is not the profile's and the user did not allow it */
    void check(ParsedEvent parsed) {
        Isa isa = parsed.event().isa();
        if (warning != null || isa == Isa.UNKNOWN) {
            return;
        }
        String why = profile.domain().isaMismatch(profile.name(), isa);
        if (why == null) {
            return;
        }
        if (!allowed) {
            throw new Mismatch(why + " (" + parsed.source() + ":" + parsed.lineNumber() + "); use a profile for "
                    + isa + " (--profile " + (isa == Isa.SVM ? "svm-lkml2020" : "isca19-table1")
                    + ") or --allow-isa-mismatch");
        }
        warning = why + "; projected anyway (--allow-isa-mismatch)";
    }

    /** What the report must say about a mismatch the user allowed, or null. */
    String warning() {
        return warning;
    }
}
