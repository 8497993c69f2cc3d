package io.smtreplay.synth;

/**
 * One number a synthesized workload is built from, with where it comes from: a source, or
 * "assumed" when nothing published gives it (then it is a guess, stated as one).
 *
 * @param name   what it is ({@code L2 guest work per transaction})
 * @param value  the value with its unit
 * @param source the citation, or null when assumed
 */
public record WorkloadParameter(String name, String value, String source) {

    public static WorkloadParameter cited(String name, String value, String source) {
        return new WorkloadParameter(name, value, source);
    }

    public static WorkloadParameter assumed(String name, String value) {
        return new WorkloadParameter(name, value, null);
    }

    public boolean isAssumed() {
        return source == null;
    }

    /** {@code name = value  [source]} or {@code [ASSUMED]}. */
    public String describe() {
        return name + " = " + value + "  [" + (source == null ? "ASSUMED" : source) + "]";
    }
}
