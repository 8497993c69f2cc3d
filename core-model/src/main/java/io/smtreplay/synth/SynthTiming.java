package io.smtreplay.synth;

/**
 * The per-switch costs the synthesizer builds its timelines from. The same numbers are what a cost
 * profile tells the projection it can save, so a synthesized trace replays to the speedup the profile
 * implies. Handler times (what L0 and L1 do besides switching) belong to workloads, not here.
 *
 * <p>Where each cost lands in the trace: the exit switch of a level happens before L0's
 * {@code kvm_exit} tracepoint and the entry switch after {@code kvm_entry}, so both fall in the
 * window between an entry and the next exit, as on a real host.
 */
public interface SynthTiming {

    /** One trap from L2 into L0 (hardware exit plus L0's register save), ns. */
    long l2ToL0Ns();

    /** One resume of L2 by L0, ns. */
    long l0ToL2Ns();

    /** One resume of L1 by L0, ns. */
    long l0ToL1Ns();

    /** One trap from L1 into L0, ns. */
    long l1ToL0Ns();

    /** The four switches of one reflected exit: what a round trip L2→L0→L1→L0→L2 pays in switching alone. */
    default long reflectedRoundTripNs() {
        return l2ToL0Ns() + l0ToL1Ns() + l1ToL0Ns() + l0ToL2Ns();
    }

    /** A fixed set of costs. */
    record Fixed(long l2ToL0Ns, long l0ToL2Ns, long l0ToL1Ns, long l1ToL0Ns) implements SynthTiming {
        public Fixed {
            if (l2ToL0Ns < 0 || l0ToL2Ns < 0 || l0ToL1Ns < 0 || l1ToL0Ns < 0) {
                throw new IllegalArgumentException("negative cost");
            }
        }
    }

    /**
     * The paper's Table 1 (nested cpuid on KVM 4.18, Xeon E5-2630 v3): stage 1, the L2↔L0 switches,
     * 0.81 µs for the two; stage 4, the L0↔L1 switches, 1.40 µs for the two. Each pair is split
     * evenly between its two directions.
     */
    static SynthTiming table1() {
        return new Fixed(405, 405, 700, 700);
    }
}
