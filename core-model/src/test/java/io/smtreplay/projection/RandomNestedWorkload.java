package io.smtreplay.projection;

import io.smtreplay.episode.EventScript;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A seeded mix of nested episodes on several vCPU threads (L1 exits, L2 exits L0 handles,
 * reflected exits with L1 traps, idle exits), interleaved by time as one host trace would be.
 */
final class RandomNestedWorkload {

    private RandomNestedWorkload() {
    }

    static List<TraceEvent> events(long seed, int threads, int episodesPerThread) {
        Random random = new Random(seed);
        List<TraceEvent> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            EventScript s = new EventScript(t % 2 == 0 ? Isa.VMX : Isa.SVM, 100 + t);
            boolean vmx = t % 2 == 0;
            long ns = random.nextInt(1_000);
            s.entry(ns);
            for (int i = 0; i < episodesPerThread; i++) {
                ns += 200 + random.nextInt(20_000);
                switch (random.nextInt(5)) {
                    case 0 -> s.exit(ns, vmx ? "MSR_WRITE" : "msr").entry(ns += 300 + random.nextInt(3_000));
                    case 1 -> s.l2Exit(ns, vmx ? "EPT_MISCONFIG" : "npf").userspaceExit(ns + 100)
                            .entry(ns += 500 + random.nextInt(5_000));
                    case 2 -> s.exit(ns, vmx ? "HLT" : "hlt").entry(ns += 1_000 + random.nextInt(500_000));
                    default -> {
                        String reason = vmx ? (random.nextBoolean() ? "CPUID" : "IO_INSTRUCTION") : "io";
                        s.l2Exit(ns, reason).inject(ns += 500 + random.nextInt(2_000), reason)
                                .entry(ns += 100 + random.nextInt(500));
                        int traps = random.nextInt(4);
                        for (int k = 0; k < traps; k++) {
                            s.exit(ns += 300 + random.nextInt(2_000), vmx ? "VMREAD" : "msr")
                                    .entry(ns += 300 + random.nextInt(1_000));
                        }
                        s.exit(ns += 300 + random.nextInt(2_000), vmx ? "VMRESUME" : "vmrun")
                                .vmenter(ns += 200 + random.nextInt(500)).entry(ns += 100 + random.nextInt(500));
                    }
                }
            }
            all.addAll(s.events());
        }
        all.sort(Comparator.comparingLong(TraceEvent::timestampNs));
        return all;
    }
}
