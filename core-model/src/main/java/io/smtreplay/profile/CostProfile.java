package io.smtreplay.profile;

import io.smtreplay.episode.SwitchRole;
import io.smtreplay.episode.WorldSwitch;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-CPU cost constants of the model, in nanoseconds. A profile is data: it is read from a
 * small JSON file (see {@code io.smtreplay.profile.CostProfiles} in the ingest module) whose
 * every number names its source and says whether it was measured, derived, fitted or assumed;
 * {@link #provenance()} keeps those by {@link #key key}. Its {@link #domain() domain} says which
 * ISA, CPU and kernel the numbers come from. Every cost is also a named {@link #parameters()
 * parameter} that sweeps and the calibration can set ({@link #withParameter}).
 *
 * @param name                the profile's name ({@code isca19-table1})
 * @param description         one line: CPU, kernel, where the numbers come from
 * @param clockGhz            the CPU's clock, to read or print costs in cycles
 * @param contextSwitchNs     the direct cost of each world switch on one hardware context
 * @param lazyStatePerReflectedExitNs state KVM switches lazily (folded into the handlers' time),
 *                            paid once per reflected L2 exit while L1 shares a context with L0 or L2
 * @param handoffNs           the cost of one handoff between two hardware contexts, by configuration name
 * @param defaultHandoffNs    the handoff cost for configurations not in {@code handoffNs}
 * @param nestedTransitionNs  (added for D4, model-mech) the cost of an L0↔L1 switch when it is a
 *                            {@link SwitchRole#NESTED_TRANSITION nested transition} (the reflection's
 *                            resume into L1, L1's VMRESUME/VMRUN trap); kinds absent here cost the
 *                            same as a plain switch ({@code contextSwitchNs}). Source key
 *                            {@code nestedTransition.KIND}.
 * @param outsideWindowNs     (added for D5, model-mech) the part of a switch's cost that lies outside
 *                            L0's {@code kvm_exit}→{@code kvm_entry} window (the hardware VM exit
 *                            before the exit tracepoint, the VM entry after the entry tracepoint): the
 *                            trace shows it as guest time next to the episode. At most the plain cost;
 *                            kinds absent here have none. Source key {@code outsideWindow.KIND}.
 * @param domain              the ISA, CPU and kernel the numbers come from
 * @param provenance          where each number comes from, by key ({@code contextSwitch.L2_TO_L0}, {@code handoff.svt-sw}…)
 */
public record CostProfile(
        String name,
        String description,
        double clockGhz,
        Map<WorldSwitch, Long> contextSwitchNs,
        long lazyStatePerReflectedExitNs,
        Map<String, Long> handoffNs,
        long defaultHandoffNs,
        Map<WorldSwitch, Long> nestedTransitionNs,
        Map<WorldSwitch, Long> outsideWindowNs,
        ProfileDomain domain,
        Map<String, Provenance> provenance) implements Serializable {

    /** The parameter name of the lazily switched state ({@link #parameters()}). */
    public static final String LAZY_STATE = "lazyStatePerReflectedExit";
    /** The parameter-name prefix of handoff costs: {@code handoff.svt-sw}, {@code handoff.default}. */
    public static final String HANDOFF = "handoff.";

    public CostProfile {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        if (!(clockGhz > 0)) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockGhz);
        }
        EnumMap<WorldSwitch, Long> switches = new EnumMap<>(WorldSwitch.class);
        for (WorldSwitch kind : WorldSwitch.values()) {
            Long cost = contextSwitchNs.get(kind);
            if (cost == null) {
                throw new IllegalArgumentException("profile " + name + " has no context-switch cost for " + kind);
            }
            requireNonNegative(key(kind), cost);
            switches.put(kind, cost);
        }
        contextSwitchNs = java.util.Collections.unmodifiableMap(switches);
        requireNonNegative("lazyStatePerReflectedExit", lazyStatePerReflectedExitNs);
        requireNonNegative("handoff.default", defaultHandoffNs);
        handoffNs = Map.copyOf(handoffNs);
        handoffNs.forEach((config, cost) -> requireNonNegative("handoff." + config, cost));
        domain = domain == null ? ProfileDomain.ANY : domain;
        provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        EnumMap<WorldSwitch, Long> nested = new EnumMap<>(WorldSwitch.class);
        nestedTransitionNs.forEach((kind, cost) -> {
            if (!kind.canBeNestedTransition()) {
                throw new IllegalArgumentException("profile " + name + ": " + kind + " is never a nested transition");
            }
            requireNonNegative("nestedTransition." + kind, cost);
            nested.put(kind, cost);
        });
        nestedTransitionNs = java.util.Collections.unmodifiableMap(nested);
        EnumMap<WorldSwitch, Long> outside = new EnumMap<>(WorldSwitch.class);
        for (Map.Entry<WorldSwitch, Long> e : outsideWindowNs.entrySet()) {
            requireNonNegative("outsideWindow." + e.getKey(), e.getValue());
            if (e.getValue() > switches.get(e.getKey())) {
                throw new IllegalArgumentException("profile " + name + ": outsideWindow." + e.getKey() + " ("
                        + e.getValue() + " ns) exceeds the switch's cost (" + switches.get(e.getKey()) + " ns)");
            }
            outside.put(e.getKey(), e.getValue());
        }
        outsideWindowNs = java.util.Collections.unmodifiableMap(outside);
    }

    private static void requireNonNegative(String what, long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + ns + " ns");
        }
    }

    /** Cost of one world switch on a single hardware context. */
    public long contextSwitchNs(WorldSwitch kind) {
        return contextSwitchNs.get(kind);
    }

    /** Cost of one world switch on a single hardware context in a role (a nested transition or a plain switch). */
    public long switchNs(WorldSwitch kind, SwitchRole role) {
        if (role == SwitchRole.NESTED_TRANSITION) {
            Long nested = nestedTransitionNs.get(kind);
            if (nested != null) {
                return nested;
            }
        }
        return contextSwitchNs.get(kind);
    }

    /** The part of a switch outside the kvm_exit→kvm_entry window (0 when the profile gives none). */
    public long outsideWindowNs(WorldSwitch kind) {
        return outsideWindowNs.getOrDefault(kind, 0L);
    }

    /** Cost of one handoff between hardware contexts under a configuration. */
    public long handoffNs(String configuration) {
        return handoffNs.getOrDefault(configuration, defaultHandoffNs);
    }

    /** The same profile with one configuration's handoff cost replaced (for sweeps and tests). */
    public CostProfile withHandoff(String configuration, long ns) {
        return withParameter(HANDOFF + configuration, ns);
    }

    /** Where each number comes from, as text, by key. */
    public Map<String, String> sources() {
        Map<String, String> texts = new LinkedHashMap<>();
        provenance.forEach((key, p) -> texts.put(key, p.source()));
        return texts;
    }

    /**
     * Every cost of the profile by parameter name, ns: {@code contextSwitch.L2_TO_L0} …, the
     * {@code nestedTransition.KIND} and {@code outsideWindow.KIND} it gives, {@code lazyStatePerReflectedExit}, {@code handoff.<configuration>} for each named one and
     * {@code handoff.default}.
     */
    public Map<String, Long> parameters() {
        Map<String, Long> all = new LinkedHashMap<>();
        contextSwitchNs.forEach((kind, ns) -> all.put(key(kind), ns));
        nestedTransitionNs.forEach((kind, ns) -> all.put(nestedKey(kind), ns));
        outsideWindowNs.forEach((kind, ns) -> all.put(outsideKey(kind), ns));
        all.put(LAZY_STATE, lazyStatePerReflectedExitNs);
        handoffNs.forEach((config, ns) -> all.put(HANDOFF + config, ns));
        all.put(HANDOFF + "default", defaultHandoffNs);
        return all;
    }

    /**
     * The same profile with one parameter set ({@link #parameters()} names them; {@code handoff.X}
     * may name a configuration the profile does not list yet, {@code nestedTransition.KIND} and
     * {@code outsideWindow.KIND} a kind it gives none for).
     *
     * @throws IllegalArgumentException for an unknown parameter or a negative value
     */
    public CostProfile withParameter(String parameter, long ns) {
        EnumMap<WorldSwitch, Long> switches = new EnumMap<>(contextSwitchNs);
        long lazy = lazyStatePerReflectedExitNs;
        Map<String, Long> handoffs = new LinkedHashMap<>(handoffNs);
        long defaultHandoff = defaultHandoffNs;
        EnumMap<WorldSwitch, Long> nested = new EnumMap<>(WorldSwitch.class);
        nested.putAll(nestedTransitionNs);
        EnumMap<WorldSwitch, Long> outside = new EnumMap<>(WorldSwitch.class);
        outside.putAll(outsideWindowNs);
        if (switchOfKey(parameter, CostProfile::key) != null) {
            switches.put(switchOfKey(parameter, CostProfile::key), ns);
        } else if (switchOfKey(parameter, CostProfile::nestedKey) != null) {
            nested.put(switchOfKey(parameter, CostProfile::nestedKey), ns);
        } else if (switchOfKey(parameter, CostProfile::outsideKey) != null) {
            outside.put(switchOfKey(parameter, CostProfile::outsideKey), ns);
        } else if (parameter.equals(LAZY_STATE)) {
            lazy = ns;
        } else if (parameter.equals(HANDOFF + "default")) {
            defaultHandoff = ns;
        } else if (parameter.startsWith(HANDOFF) && parameter.length() > HANDOFF.length()) {
            handoffs.put(parameter.substring(HANDOFF.length()), ns);
        } else {
            throw new IllegalArgumentException("no profile parameter " + parameter + " (known: "
                    + String.join(", ", parameters().keySet()) + ")");
        }
        return new CostProfile(name, description, clockGhz, switches, lazy, handoffs, defaultHandoff, nested, outside,
                domain, provenance);
    }

    /** The same numbers under another name and provenance (a calibrated or family member profile). */
    public CostProfile withProvenance(String newName, String newDescription, Map<String, Provenance> newProvenance) {
        return new CostProfile(newName, newDescription, clockGhz, contextSwitchNs, lazyStatePerReflectedExitNs,
                handoffNs, defaultHandoffNs, nestedTransitionNs, outsideWindowNs, domain, newProvenance);
    }

    private static WorldSwitch switchOfKey(String parameter, java.util.function.Function<WorldSwitch, String> keyOf) {
        for (WorldSwitch kind : WorldSwitch.values()) {
            if (keyOf.apply(kind).equals(parameter)) {
                return kind;
            }
        }
        return null;
    }

    public double nsToCycles(long ns) {
        return ns * clockGhz;
    }

    public long cyclesToNs(double cycles) {
        return Math.round(cycles / clockGhz);
    }

    /** The source key of a context-switch cost. */
    public static String key(WorldSwitch kind) {
        return "contextSwitch." + kind.name();
    }

    /** The source key of a nested-transition cost. */
    public static String nestedKey(WorldSwitch kind) {
        return "nestedTransition." + kind.name();
    }

    /** The source key of the part of a switch outside the exit→entry window. */
    public static String outsideKey(WorldSwitch kind) {
        return "outsideWindow." + kind.name();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds profiles in code (tests, sweeps); files go through the ingest module's loader. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private double clockGhz = 1;
        private final EnumMap<WorldSwitch, Long> switches = new EnumMap<>(WorldSwitch.class);
        private long lazyNs;
        private final Map<String, Long> handoffs = new LinkedHashMap<>();
        private long defaultHandoffNs;
        private ProfileDomain domain = ProfileDomain.ANY;
        private final Map<String, Provenance> provenance = new LinkedHashMap<>();
        private final EnumMap<WorldSwitch, Long> nested = new EnumMap<>(WorldSwitch.class);
        private final EnumMap<WorldSwitch, Long> outside = new EnumMap<>(WorldSwitch.class);

        private Builder(String name) {
            this.name = name;
        }

        public Builder description(String v) { this.description = v; return this; }
        public Builder clockGhz(double v) { this.clockGhz = v; return this; }
        public Builder contextSwitch(WorldSwitch kind, long ns) { switches.put(kind, ns); return this; }
        public Builder lazyStatePerReflectedExit(long ns) { this.lazyNs = ns; return this; }
        public Builder handoff(String configuration, long ns) { handoffs.put(configuration, ns); return this; }
        public Builder defaultHandoff(long ns) { this.defaultHandoffNs = ns; return this; }
        public Builder domain(ProfileDomain v) { this.domain = v; return this; }
        /** A number's source, taken as assumed (profiles built in code). */
        public Builder source(String key, String text) { return source(key, Provenance.Kind.ASSUMED, text); }
        public Builder source(String key, Provenance.Kind kind, String text) {
            provenance.put(key, new Provenance(kind, text));
            return this;
        }
        public Builder nestedTransition(WorldSwitch kind, long ns) { nested.put(kind, ns); return this; }
        public Builder outsideWindow(WorldSwitch kind, long ns) { outside.put(kind, ns); return this; }

        public CostProfile build() {
            return new CostProfile(name, description, clockGhz, switches, lazyNs, handoffs, defaultHandoffNs, nested,
                    outside, domain, provenance);
        }
    }
}
