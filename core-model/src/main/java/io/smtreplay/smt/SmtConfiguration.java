package io.smtreplay.smt;

import io.smtreplay.episode.Level;
import io.smtreplay.episode.WorldSwitch;

import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A core with {@code contexts} hardware contexts (SMT width 1 to 8) and a partition that puts
 * each virtualization level on one context. Levels that share a context are multiplexed with
 * classic world switches; a switch between contexts is a thread handoff (stall + resume).
 */
public record SmtConfiguration(String name, int contexts, Map<Level, Integer> partition) implements Serializable {

    public static final int MAX_CONTEXTS = 8;

    /** Today's KVM: one context, every world switch is a context switch. */
    public static final SmtConfiguration BASELINE = of("baseline", 1, 0, 0, 0);
    /** The paper's software prototype: L0 and L2 share a context, L1 runs on the sibling thread. */
    public static final SmtConfiguration SVT_SW = of("svt-sw", 2, 0, 1, 0);
    /** The paper's hardware proposal: L0, L1 and L2 each on their own context. */
    public static final SmtConfiguration SVT_HW = of("svt-hw", 3, 0, 1, 2);

    public static final List<SmtConfiguration> NAMED = List.of(BASELINE, SVT_SW, SVT_HW);

    public SmtConfiguration {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a configuration needs a name");
        }
        if (contexts < 1 || contexts > MAX_CONTEXTS) {
            throw new IllegalArgumentException("configuration " + name + ": contexts must be 1.." + MAX_CONTEXTS
                    + ", not " + contexts);
        }
        EnumMap<Level, Integer> copy = new EnumMap<>(Level.class);
        for (Level level : Level.values()) {
            Integer context = partition.get(level);
            if (context == null) {
                throw new IllegalArgumentException("configuration " + name + " puts " + level + " on no context");
            }
            if (context < 0 || context >= contexts) {
                throw new IllegalArgumentException("configuration " + name + " puts " + level + " on context "
                        + context + " of 0.." + (contexts - 1));
            }
            copy.put(level, context);
        }
        partition = Collections.unmodifiableMap(copy);
    }

    /** A configuration from the contexts of L0, L1 and L2. */
    public static SmtConfiguration of(String name, int contexts, int l0, int l1, int l2) {
        return new SmtConfiguration(name, contexts, Map.of(Level.L0, l0, Level.L1, l1, Level.L2, l2));
    }

    /** One of the named configurations ({@code baseline}, {@code svt-sw}, {@code svt-hw}). */
    public static Optional<SmtConfiguration> named(String name) {
        return NAMED.stream().filter(c -> c.name.equals(name)).findFirst();
    }

    public int contextOf(Level level) {
        return partition.get(level);
    }

    /** True when both levels of the switch share a context: a classic world switch. */
    public boolean isContextSwitch(WorldSwitch kind) {
        return contextOf(kind.from()) == contextOf(kind.to());
    }

    /**
     * True when L1 has a context of its own, so the state KVM switches lazily around a reflected
     * exit (L1's versus L2's and L0's) stays resident.
     */
    public boolean l1HasOwnContext() {
        return contextOf(Level.L1) != contextOf(Level.L0) && contextOf(Level.L1) != contextOf(Level.L2);
    }

    /** {@code svt-hw: 3 contexts, L0@0 L1@1 L2@2}. */
    public String describe() {
        return name + ": " + contexts + (contexts == 1 ? " context" : " contexts") + ", L0@" + contextOf(Level.L0)
                + " L1@" + contextOf(Level.L1) + " L2@" + contextOf(Level.L2);
    }
}
