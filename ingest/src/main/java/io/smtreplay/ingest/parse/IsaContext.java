package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;

/**
 * The ISA of a source, learnt from the text: trace text never prints the {@code isa} field, but
 * reason names give it away ({@code EPT_VIOLATION} is VMX, {@code npf} and {@code EXIT_NPF} SVM,
 * {@code vmcs:} VMX). Sticky: once a source shows an unambiguous name, later ambiguous names
 * (bare numbers) are read under that ISA. A host runs one ISA, so a trace file has one.
 */
public final class IsaContext {
    private Isa isa = Isa.UNKNOWN;

    public Isa current() {
        return isa;
    }

    void learnFromReasonName(String name) {
        if (isa == Isa.UNKNOWN) {
            isa = ExitReasons.isaOfName(name);
        }
    }

    public void learn(Isa seen) {
        if (isa == Isa.UNKNOWN && seen != Isa.UNKNOWN) {
            isa = seen;
        }
    }
}
