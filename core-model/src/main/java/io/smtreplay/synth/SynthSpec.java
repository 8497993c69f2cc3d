package io.smtreplay.synth;

import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.util.Objects;

/**
 * Everything that decides a synthesized trace; equal specs (and cost profiles) give byte-identical output.
 *
 * @param vcpus       L1 vCPU threads traced on the host; each runs an L2 vCPU, except that a workload
 *                    with device backends gives the last of two or more to L1's I/O work
 * @param durationNs  trace length; each vCPU stops after the last episode that starts within it
 * @param app         the app label the header announces; null for the workload's default ({@code synthetic-<workload>})
 * @param shadowVmcs  VMX only: L1's VMREAD/VMWRITE do not trap (VMCS shadowing, Haswell and later);
 *                    false adds L1's vmcs12 accesses to every reflected exit
 */
public record SynthSpec(Workload workload, TraceFormat format, KernelEra kernel, Isa isa, int vcpus,
                        long durationNs, long seed, String app, boolean shadowVmcs) {

    public SynthSpec {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(isa, "isa");
        if (isa == Isa.UNKNOWN) {
            throw new IllegalArgumentException("isa must be vmx or svm");
        }
        if (vcpus < 1 || vcpus > 512) {
            throw new IllegalArgumentException("vcpus must be 1..512, not " + vcpus);
        }
        if (durationNs <= 0) {
            throw new IllegalArgumentException("duration must be positive");
        }
        if (app != null && (app.isBlank() || app.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            throw new IllegalArgumentException("app label must be printable ASCII without spaces: '" + app + "'");
        }
    }

    /** The app label: the one given, or {@code synthetic-<workload>}. */
    public String appLabel() {
        return app != null ? app : workload.defaultApp();
    }
}
