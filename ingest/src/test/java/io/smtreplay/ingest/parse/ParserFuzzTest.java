package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated lines: each is parsed or refused, nothing throws, and every line is
 * accounted for exactly once (in an event or refused).
 */
class ParserFuzzTest {
    private static final List<String> SEEDS = List.of(
            "           repro-1289    [019] d....   140.314684: kvm_exit: vcpu 0 reason EXCEPTION_NMI rip 0x1 info1 0x0000000000004000"
                    + " info2 0x0000000000000000 intr_info 0x80000301 error_code 0x00000000",
            " qemu-system-x86-9928  [022]   379.260656: kvm_nested_vmexit:    rip 400433 reason EXIT_NPF info1 200000006 info2 641000"
                    + " int_info 0 int_info_err 0",
            "      CPU 0/KVM  699876 [020] 18136.763652:             kvm:kvm_nested_vmenter:",
            "rip: 0xfffff8489b641308 vmcs: 0xffffffffffffffff nested_rip: 0xfffff8031964b2b6",
            "int_ctl: 0x00000000 event_inj: 0x80000081 nested_ept=y nested_eptp:",
            "0x00000001019a701e",
            "> kvm_nested_vmrun:     rip: 0xffffffffa0688ffa vmcb: 0x0000000103594000 nrip: 0xffffffff814b3b01 int_ctl: 0x01000001"
                    + " event_inj: 0x80000036 npt: on",
            "           <...>-315119 [010]  3733.092646: kvm_nested_vmexit:    CAN'T FIND FIELD \"rip\"<CANT FIND FIELD exit_code>vcpu 0"
                    + " reason npf rip 0x400433 info1 0x0000000200000006 info2 0x0000000000641000 intr_info 0x00000000 error_code 0x00000000",
            "2021-12-12 16:11:10.214139            <...> 206966 .N.. [017] 15504452.408994: kvm:kvm_exit: reason EXTERNAL_INTERRUPT"
                    + " rip 0xffffffff81c01f58 info 0 800000fd",
            "  kvm_exit:             reason EXIT_NPF rip 0xffffffffffbbe119 info",
            "    200000006 1ab000",
            "# tracer: nop",
            "           MSR_WRITE        232    75.08%     0.00%      0.24us     15.62us      0.78us ( +-  11.73% )",
            " kvm_entry:            vcpu 0",
            "kvm_userspace_exit:   reason",
            "KVM_EXIT_UNKNOWN (0)");
    private static final String ALPHABET = " \t:[]().-_/<>#0123456789abcdefxkvm_reasonripinfo\"'>|=,FAILED_VMENTRYCPU ";

    @Test
    void randomAndMutatedLinesAreParsedOrRefusedNeverThrown() {
        Random random = new Random(20261125L);
        for (int round = 0; round < 300; round++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                lines.add(random.nextInt(4) == 0 ? randomLine(random) : mutate(SEEDS.get(random.nextInt(SEEDS.size())), random));
            }
            String text = String.join("\n", lines) + "\n";
            CollectingSink s = CollectingSink.parse(text);
            assertEquals(lines.size(), s.summary.lines(), text);
            Set<Long> refused = new TreeSet<>();
            for (RefusedLine r : s.refused) {
                refused.add(r.lineNumber());
            }
            assertEquals(s.refused.size(), refused.size(), "a line refused twice:\n" + text);
            for (ParsedEvent e : s.events) {
                assertEquals(false, refused.contains(e.lineNumber()), "a line both parsed and refused:\n" + text);
            }
            assertEquals(s.events.size(), s.summary.events());
        }
    }

    private static String randomLine(Random random) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(120);
        for (int i = 0; i < n; i++) {
            b.append(random.nextInt(20) == 0 ? (char) random.nextInt(0x3000) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString().replace('\n', ' ').replace('\r', ' ');
    }

    private static String mutate(String seed, Random random) {
        StringBuilder b = new StringBuilder(seed);
        int edits = random.nextInt(4);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 2 -> b.setLength(at);
                default -> b.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return b.toString();
    }
}
