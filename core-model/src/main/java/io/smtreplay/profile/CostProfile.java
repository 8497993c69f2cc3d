package io.smtreplay.profile;

import io.smtreplay.episode.WorldSwitch;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-CPU cost constants of the model, in nanoseconds. A profile is data: it is read from a
 * small JSON file (see {@code io.smtreplay.profiles.CostProfiles} in the ingest module) whose
 * every number names its source; {@link #sources()} keeps those texts by {@link #key key}.
 *
 * @param name                the profile's name ({@code isca19-table1})
 * @param description         one line: CPU, kernel, where the numbers come from
 * @param clockGhz            the CPU's clock, to read or print costs in cycles
 * @param contextSwitchNs     the direct cost of each world switch on one hardware context
 * @param lazyStatePerReflectedExitNs state KVM switches lazily (folded into the handlers' time),
 *                            paid once per reflected L2 exit while L1 shares a context with L0 or L2
 * @param handoffNs           the cost of one handoff between two hardware contexts, by configuration name
 * @param defaultHandoffNs    the handoff cost for configurations not in {@code handoffNs}
 * @param sources             where each number comes from, by key ({@code contextSwitch.L2_TO_L0}, {@code handoff.svt-sw}…)
 */
public record CostProfile(
        String name,
        String description,
        double clockGhz,
        Map<WorldSwitch, Long> contextSwitchNs,
        long lazyStatePerReflectedExitNs,
        Map<String, Long> handoffNs,
        long defaultHandoffNs,
        Map<String, String> sources) implements Serializable {

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
        sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
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

    /** Cost of one handoff between hardware contexts under a configuration. */
    public long handoffNs(String configuration) {
        return handoffNs.getOrDefault(configuration, defaultHandoffNs);
    }

    /** The same profile with one configuration's handoff cost replaced (for sweeps and tests). */
    public CostProfile withHandoff(String configuration, long ns) {
        Map<String, Long> handoffs = new LinkedHashMap<>(handoffNs);
        handoffs.put(configuration, ns);
        return new CostProfile(name, description, clockGhz, contextSwitchNs, lazyStatePerReflectedExitNs, handoffs,
                defaultHandoffNs, sources);
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
        private final Map<String, String> sources = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder description(String v) { this.description = v; return this; }
        public Builder clockGhz(double v) { this.clockGhz = v; return this; }
        public Builder contextSwitch(WorldSwitch kind, long ns) { switches.put(kind, ns); return this; }
        public Builder lazyStatePerReflectedExit(long ns) { this.lazyNs = ns; return this; }
        public Builder handoff(String configuration, long ns) { handoffs.put(configuration, ns); return this; }
        public Builder defaultHandoff(long ns) { this.defaultHandoffNs = ns; return this; }
        public Builder source(String key, String text) { sources.put(key, text); return this; }

        public CostProfile build() {
            return new CostProfile(name, description, clockGhz, switches, lazyNs, handoffs, defaultHandoffNs, sources);
        }
    }
}
