package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import java.util.Optional;

/**
 * The ISA of one source. Text traces never print the {@code isa} field, so it is learnt from the
 * first reason name only one ISA has (e.g. {@code EPT_VIOLATION}, {@code npf}, {@code EXIT_MSR})
 * or from ISA-specific fields ({@code vmcs:} / {@code vmcb:}), and then decides names both ISAs
 * print ({@code cpuid}, {@code hypercall}). A host runs one ISA, so one source has one.
 */
final class IsaInference {
    private Isa known = Isa.UNKNOWN;

    Isa current() {
        return known;
    }

    void learn(Isa isa) {
        if (known == Isa.UNKNOWN && isa != Isa.UNKNOWN) {
            known = isa;
        }
    }

    /** Whether {@code text} names a reason in some table (flags and plugin forms included). */
    boolean isKnown(String text) {
        String name = text.endsWith(" FAILED_VMENTRY") ? text.substring(0, text.length() - 15) : text;
        if (name.startsWith("UNKNOWN (") && name.endsWith(")")) {
            return true;
        }
        return ExitReasons.byName(name, known).isPresent();
    }

    /** The reason printed as {@code text} (flags and plugin "UNKNOWN (n)" handled), never null. */
    ExitReason resolve(String text) {
        String name = text;
        long flags = 0;
        if (name.endsWith(" FAILED_VMENTRY")) {
            name = name.substring(0, name.length() - " FAILED_VMENTRY".length());
            flags = ExitReason.VMX_FAILED_VMENTRY;
            learn(Isa.VMX);
        }
        if (name.startsWith("UNKNOWN (") && name.endsWith(")")) {
            // libtraceevent's plugin: "reason UNKNOWN (74)"
            int code = Tokens.decimal(name.substring("UNKNOWN (".length(), name.length() - 1));
            if (code >= 0) {
                return ExitReasons.byCode(known, code).withFlags(flags);
            }
        }
        learn(ExitReasons.isaOfName(name));
        String printed = name;
        Optional<ExitReason> reason = ExitReasons.byName(printed, known);
        ExitReason r = reason.orElseGet(() -> new ExitReason(known, -1, printed, 0, false));
        return flags == 0 ? r : r.withFlags(flags);
    }
}
