package io.smtreplay.profile;

import io.smtreplay.trace.Isa;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a profile's numbers were measured on: its costs are only meaningful for traces of the same
 * ISA (a VMX world switch and an SVM one are different hardware paths), and are best for the same
 * CPU and kernel.
 *
 * @param isa    the hardware virtualization extension (VMX or SVM); {@link Isa#UNKNOWN} only for
 *               profiles built in code that claim no domain
 * @param cpu    the CPU model the numbers come from
 * @param kernel the host kernel (KVM version) the numbers come from
 */
public record ProfileDomain(Isa isa, String cpu, String kernel) implements Serializable {

    /** For profiles built in code (tests, sweeps) that claim no domain: they are applied to anything. */
    public static final ProfileDomain ANY = new ProfileDomain(Isa.UNKNOWN, "any", "any");

    public ProfileDomain {
        Objects.requireNonNull(isa, "isa");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(kernel, "kernel");
    }

    /**
     * Why a trace of {@code traceIsa} is outside this domain, or null when it is not (or either
     * side's ISA is unknown).
     */
    public String isaMismatch(String profileName, Isa traceIsa) {
        if (isa == Isa.UNKNOWN || traceIsa == Isa.UNKNOWN || traceIsa == isa) {
            return null;
        }
        return "profile " + profileName + " was measured on " + isa + " (" + cpu + ", kernel " + kernel
                + ") but the trace is " + traceIsa + ": its switch costs do not apply";
    }

    /** {@code VMX, Xeon E5-2630 v3, kernel 4.18}. */
    public String describe() {
        return isa + ", " + cpu + ", kernel " + kernel;
    }
}
