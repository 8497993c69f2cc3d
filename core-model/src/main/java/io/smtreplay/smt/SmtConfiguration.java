package io.smtreplay.smt;

import io.smtreplay.profile.SmtConfigurations;

import io.smtreplay.episode.Level;
import io.smtreplay.episode.SwitchRole;
import io.smtreplay.episode.WorldSwitch;

import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A core with {@code contexts} hardware contexts (SMT width 1 to 8), where each level's code runs
 * ({@code partition}), and whether L0 runs on every context. Named parameters, as data (a user
 * file may define more, see {@code SmtConfigurations}):
 * <ul>
 *   <li>{@code contexts} — hardware contexts the vCPU stack occupies (its SMT capacity cost);</li>
 *   <li>{@code partition} — the context of L0, L1 and L2;</li>
 *   <li>{@code l0OnEveryContext} — L0 also runs on the contexts of the levels it does not own and
 *       handles their traps there, as ordinary VM exits (the ISCA'19 software prototype: L0 on both
 *       hyperthreads). Default false: L0 runs only on its own context and every trap from another
 *       context is a handoff to it.</li>
 * </ul>
 * How each world switch is then realized ({@link #realize}) follows from these: a switch between
 * a level and the L0 on its own context is a classic world switch; a switch between contexts is a
 * thread handoff (stall + resume); a nested transition is paid as one only while L1 and L2 share
 * the context that holds the L2 exit (KVM swaps vmcs02/vmcs01 there).
 */
public record SmtConfiguration(String name, int contexts, Map<Level, Integer> partition, boolean l0OnEveryContext)
        implements Serializable {

    public static final int MAX_CONTEXTS = 8;

    /** Today's KVM: one context, every world switch is a context switch. */
    public static final SmtConfiguration BASELINE = of("baseline", 1, 0, 0, 0);
    /**
     * The paper's software prototype as it was built: L0 on both hyperthreads, L2 with L0 on one,
     * L1 on the sibling. L1's own traps stay VM exits into the sibling's L0; only the reflection's
     * L0↔L1 transitions become handoffs (an mwait wake-up through a shared-memory ring).
     */
    public static final SmtConfiguration SVT_SW = new SmtConfiguration("svt-sw", 2,
            Map.of(Level.L0, 0, Level.L1, 1, Level.L2, 0), true);
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

    /** A configuration where L0 runs only on its own context. */
    public SmtConfiguration(String name, int contexts, Map<Level, Integer> partition) {
        this(name, contexts, partition, false);
    }

    /**
     * How one world switch in a role is paid under this configuration.
     *
     * @param contextSwitch the role whose single-context cost is paid ({@link SwitchRole#PLAIN} for an
     *                      ordinary VM exit or entry), or null when no world switch happens on a context
     * @param handoff       a thread handoff between two contexts is paid as well
     */
    public record Realization(SwitchRole contextSwitch, boolean handoff) implements Serializable {
    }

    /**
     * How a switch of {@code kind} in {@code role} is realized. A plain switch of guest level G is a
     * world switch on G's context when L0 is there (shares it, or runs on every context), else a
     * handoff. A nested transition starts from the context where L0 took the L2 exit (L2's context
     * when L0 runs everywhere, else L0's): if L1 runs there too, it is a world switch, paid as a
     * nested transition when L2 shares that context and as a plain one otherwise; if not, it is a
     * handoff to L1's context, plus the plain VM entry or exit of the L0 that runs there.
     */
    public Realization realize(WorldSwitch kind, SwitchRole role) {
        Level guest = kind.guest();
        int l0 = contextOf(Level.L0);
        if (role == SwitchRole.PLAIN || !kind.canBeNestedTransition()) {
            boolean local = l0OnEveryContext || contextOf(guest) == l0;
            return local ? new Realization(SwitchRole.PLAIN, false) : new Realization(null, true);
        }
        int l2ExitTakenOn = l0OnEveryContext ? contextOf(Level.L2) : l0;
        if (contextOf(Level.L1) == l2ExitTakenOn) {
            boolean l2There = contextOf(Level.L2) == l2ExitTakenOn;
            return new Realization(l2There ? SwitchRole.NESTED_TRANSITION : SwitchRole.PLAIN, false);
        }
        return new Realization(l0OnEveryContext ? SwitchRole.PLAIN : null, true);
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

    /** True when a plain switch of this kind is a classic world switch (no handoff). */
    public boolean isContextSwitch(WorldSwitch kind) {
        return !realize(kind, SwitchRole.PLAIN).handoff();
    }

    /**
     * True when L1's state stays resident in a context of its own, so the state KVM switches lazily
     * around a reflected exit (L1's versus L2's) is not switched: L1 shares no context with L2, nor
     * with an L0 confined to its own context.
     */
    public boolean l1HasOwnContext() {
        return contextOf(Level.L1) != contextOf(Level.L2)
                && (l0OnEveryContext || contextOf(Level.L1) != contextOf(Level.L0));
    }

    /** {@code svt-hw: 3 contexts, L0@0 L1@1 L2@2}; {@code svt-sw: 2 contexts, L0@every L1@1 L2@0}. */
    public String describe() {
        return name + ": " + contexts + (contexts == 1 ? " context" : " contexts") + ", L0@"
                + (l0OnEveryContext && contexts > 1 ? "every" : String.valueOf(contextOf(Level.L0)))
                + " L1@" + contextOf(Level.L1) + " L2@" + contextOf(Level.L2);
    }
}
