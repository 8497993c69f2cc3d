package io.smtreplay.synth;

import io.smtreplay.episode.SwitchRole;
import io.smtreplay.episode.WorldSwitch;

import io.smtreplay.profile.CostProfile;

import io.smtreplay.episode.EpisodeType;

import static io.smtreplay.synth.EpisodeTemplate.handledByL0;
import static io.smtreplay.synth.EpisodeTemplate.l1Exit;
import static io.smtreplay.synth.EpisodeTemplate.l1Idle;
import static io.smtreplay.synth.EpisodeTemplate.l2Idle;
import static io.smtreplay.synth.EpisodeTemplate.reflected;
import static io.smtreplay.synth.WorkloadStep.always;
import static io.smtreplay.synth.WorkloadStep.sometimes;

import io.smtreplay.trace.Isa;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic workloads, after the paper's (../shared/model/isca19.md). Times are ns of work
 * besides world switches (those come from the {@link CostProfile}); they are shapes, not measurements:
 * only cpuid-loop is calibrated (to Table 1). Setup assumed for all: KVM on KVM with EPT/NPT,
 * L2's devices virtio emulated by L1, L1 runs L2 with HLT exits disabled (QEMU
 * {@code -overcommit cpu-pm=on}, dedicated cores) so L2's HLT goes to L0 alone, and L2's device
 * interrupts arrive as nested posted interrupts (no exit to L1).
 */
public enum Workload {

    /**
     * Figure 6's microbenchmark: L2 executes cpuid in a tight loop, every cpuid reflected to L1.
     * Each has the shape of the paper's "life of a nested trap" (3 traps into L0, 3 resumes): the
     * cpuid, one trap of L1 while it handles it (VMX: a VMWRITE of a vmcs12 field outside the
     * shadow set; SVM: a VMLOAD), and L1's VMRESUME/VMRUN. One iteration takes Table 1's 10.40 µs
     * whatever the switch costs: 0.05 µs of L2 code, the six switches, and the rest shared by L0
     * (stages 2 and 3: 1.29 + 4.89 µs) and L1 (stage 5: 1.96 µs) in Table 1's proportion. So
     * replaying it gives the speedups the profile implies for the Table 1 episode.
     */
    CPUID_LOOP("cpuid-loop", "L2 runs cpuid in a tight loop; every cpuid is reflected to L1 (the paper's Table 1 / Fig. 6)") {
        @Override
        WorkloadMix mix(Isa isa, CostProfile profile) {
            // L2's trap and resume, the reflection's nested round trip, and L1's one plain trap and resume
            long switches = 0;
            for (WorldSwitch kind : WorldSwitch.values()) {
                switches += profile.switchNs(kind, SwitchRole.PLAIN);
                if (kind.canBeNestedTransition()) {
                    switches += profile.switchNs(kind, SwitchRole.NESTED_TRANSITION);
                }
            }
            long handlers = TABLE1_ITERATION_NS - TABLE1_L2_CODE_NS - switches;
            if (handlers <= VMCS_ACCESS_L0_NS) {
                throw new IllegalArgumentException("the profile's switches (" + switches
                        + " ns) leave nothing of Table 1's 10.40 us nested cpuid for the handlers");
            }
            long l0 = handlers * TABLE1_L0_NS / (TABLE1_L0_NS + TABLE1_L1_NS);
            Trap l1Trap = Trap.of(isa == Isa.VMX ? GuestExit.VMWRITE : GuestExit.VMLOAD, VMCS_ACCESS_L0_NS);
            return new WorkloadMix(List.of(
                    always(TABLE1_L2_CODE_NS, reflected(Trap.of(GuestExit.CPUID, l0 - VMCS_ACCESS_L0_NS), handlers - l0, l1Trap))),
                    List.of(), 0.05);
        }
    },

    /**
     * netperf TCP_RR with 1-byte messages: each transaction kicks the virtio-net queue (MMIO,
     * reflected; L1 wakes its vhost thread with an IPI), re-arms a TCP timer (TSC deadline,
     * reflected; L1 re-arms its own), then L2 halts until the answer; L1's I/O vCPU moves packets.
     */
    NETPERF_RR("netperf-rr", "netperf TCP_RR 1 B: virtio-net kicks and TSC-deadline writes reflected to L1, L2 halts for the reply") {
        @Override
        WorkloadMix mix(Isa isa, CostProfile profile) {
            return new WorkloadMix(List.of(
                    always(18_000, virtioKick(6_000)),
                    sometimes(0.5, 4_000, timerRearm()),
                    always(3_000, l2Idle(1_500, 95_000)),
                    sometimes(0.05, 2_000, handledByL0(Trap.of(GuestExit.EXTERNAL_INTERRUPT, 1_200)))),
                    ioVcpuCycle(100_000), 0.10);
        }
    },

    /**
     * memcached under a Facebook-ETC-like load near saturation: per request a virtio-net kick
     * (the paper's EPT_MISCONFIG: on VMX L0 takes an EPT violation and reflects it to L1 as an
     * EPT_MISCONFIG; on SVM a reserved-bit NPF) and often a TSC-deadline write (the paper's
     * MSR_WRITE), with short idle gaps and a few EPT violations and host interrupts.
     */
    MEMCACHED("memcached", "memcached (ETC-like): virtio MMIO kicks (EPT_MISCONFIG) and TSC-deadline MSR_WRITEs reflected to L1") {
        @Override
        WorkloadMix mix(Isa isa, CostProfile profile) {
            return new WorkloadMix(List.of(
                    always(22_000, virtioKick(6_000)),
                    sometimes(0.35, 3_000, timerRearm()),
                    sometimes(0.02, 2_000, handledByL0(Trap.of(GuestExit.EPT_VIOLATION, 4_000))),
                    sometimes(0.05, 1_000, handledByL0(Trap.of(GuestExit.EXTERNAL_INTERRUPT, 1_200))),
                    sometimes(0.25, 1_000, l2Idle(1_500, 20_000))),
                    ioVcpuCycle(15_000), 0.10);
        }
    },

    /** fio 512 B random reads at queue depth 1: a virtio-blk kick per I/O, then L2 halts until completion. */
    FIO_RANDREAD("fio-randread", "fio randread 512 B, iodepth 1: virtio-blk kicks reflected to L1, L2 halts until completion") {
        @Override
        WorkloadMix mix(Isa isa, CostProfile profile) {
            return new WorkloadMix(List.of(
                    always(9_000, virtioKick(7_000)),
                    sometimes(0.3, 2_000, timerRearm()),
                    always(2_000, l2Idle(1_500, 90_000))),
                    ioVcpuCycle(80_000), 0.10);
        }
    },

    /** An idle tickless L2: it wakes every few ms, re-arms its timer (reflected) and halts again. */
    IDLE("idle", "idle tickless L2: a TSC-deadline write reflected to L1 per wake-up, then HLT for ~4 ms") {
        @Override
        WorkloadMix mix(Isa isa, CostProfile profile) {
            return new WorkloadMix(List.of(
                    always(6_000, timerRearm()),
                    always(1_000, l2Idle(1_500, 3_900_000)),
                    sometimes(0.1, 1_000, handledByL0(Trap.of(GuestExit.EXTERNAL_INTERRUPT, 1_200)))),
                    List.of(), 0.10);
        }
    };

    /** Inner L1 traps added to each reflected exit on VMX without VMCS shadowing: KVM as L1 reads the exit information and writes the guest state back. */
    static final int VMREADS_PER_REFLECTION = 6;
    static final int VMWRITES_PER_REFLECTION = 2;
    static final long VMCS_ACCESS_L0_NS = 300;

    /** Table 1: the whole nested cpuid, L2's own code in it, L0's work (stages 2 + 3), L1's (stage 5). */
    static final long TABLE1_ITERATION_NS = 10_400;
    static final long TABLE1_L2_CODE_NS = 50;
    static final long TABLE1_L0_NS = 1_290 + 4_890;
    static final long TABLE1_L1_NS = 1_960;

    private final String cliName;
    private final String description;

    Workload(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
    }

    public String cliName() {
        return cliName;
    }

    public String description() {
        return description;
    }

    /** The default app label of a synthesized trace of this workload. */
    public String defaultApp() {
        return "synthetic-" + cliName;
    }

    abstract WorkloadMix mix(Isa isa, CostProfile profile);

    /**
     * The mix as run on a host: on VMX without VMCS shadowing every reflected exit also makes L1
     * trap on its VMREADs and VMWRITEs of vmcs12.
     */
    public WorkloadMix mix(Isa isa, boolean shadowVmcs, CostProfile profile) {
        WorkloadMix mix = mix(isa, profile);
        if (isa != Isa.VMX || shadowVmcs) {
            return mix;
        }
        List<WorkloadStep> steps = new ArrayList<>();
        for (WorkloadStep step : mix.l2Cycle()) {
            EpisodeTemplate e = step.episode();
            if (e.type() == EpisodeType.L2_EXIT_REFLECTED) {
                List<Trap> traps = new ArrayList<>();
                for (int i = 0; i < VMREADS_PER_REFLECTION; i++) {
                    traps.add(Trap.of(GuestExit.VMREAD, VMCS_ACCESS_L0_NS));
                }
                traps.addAll(e.l1Traps());
                for (int i = 0; i < VMWRITES_PER_REFLECTION; i++) {
                    traps.add(Trap.of(GuestExit.VMWRITE, VMCS_ACCESS_L0_NS));
                }
                e = new EpisodeTemplate(e.type(), e.trap(), traps, e.l1Ns(), e.idleNs());
            }
            steps.add(new WorkloadStep(step.probability(), step.guestNs(), e));
        }
        return new WorkloadMix(steps, mix.l1IoCycle(), mix.jitter());
    }

    /** L2 kicks a virtio queue (MMIO, reflected); L1 wakes its device backend with an IPI. */
    private static EpisodeTemplate virtioKick(long l1Ns) {
        return reflected(Trap.of(GuestExit.MMIO, 3_500), l1Ns, Trap.msrWrite(Trap.MSR_X2APIC_ICR, 1_500));
    }

    /** L2 re-arms its TSC-deadline timer (reflected); L1 emulates it by re-arming its own. */
    private static EpisodeTemplate timerRearm() {
        return reflected(Trap.msrWrite(Trap.MSR_TSC_DEADLINE, 2_000), 2_500, Trap.msrWrite(Trap.MSR_TSC_DEADLINE, 1_500));
    }

    /** L1's device-backend vCPU: moves a request to its own virtio device, posts the interrupt to L2's vCPU, waits. */
    private static List<WorkloadStep> ioVcpuCycle(long idleNs) {
        return List.of(
                always(6_000, l1Exit(Trap.of(GuestExit.MMIO, 2_500))),
                always(3_000, l1Exit(Trap.msrWrite(Trap.MSR_X2APIC_ICR, 1_500))),
                always(2_000, l1Idle(1_500, idleNs)),
                sometimes(0.8, 1_000, l1Exit(Trap.of(GuestExit.EXTERNAL_INTERRUPT, 1_200))));
    }

    public static Workload ofCliName(String name) {
        for (Workload w : values()) {
            if (w.cliName.equals(name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "' (see --list-workloads)");
    }
}
