package io.smtreplay.synth;

import io.smtreplay.episode.SwitchRole;
import io.smtreplay.episode.WorldSwitch;

import io.smtreplay.profile.CostProfile;

import io.smtreplay.episode.EpisodeType;

import static io.smtreplay.synth.EpisodeTemplate.handledByL0;
import static io.smtreplay.synth.EpisodeTemplate.l1Exit;
import static io.smtreplay.synth.EpisodeTemplate.l1Idle;
import static io.smtreplay.synth.EpisodeTemplate.reflected;
import static io.smtreplay.synth.WorkloadStep.always;
import static io.smtreplay.synth.WorkloadStep.sometimes;

import io.smtreplay.trace.Isa;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic workloads, after the paper's (../shared/model/isca19.md). Times are ns of work
 * besides world switches (those come from the {@link CostProfile}). cpuid-loop is Table 1; the
 * I/O workloads run on the stock nested I/O path (KVM on KVM with EPT/NPT, L2's devices virtio
 * emulated by L1): L1 intercepts L2's HLT, virtio doorbells are reflected to L1, L1's I/O thread
 * runs on another L1 vCPU and interrupts L2's vCPU with IPIs, interrupts reach L2 through L1 (no
 * nested posted interrupts), timers are TSC-deadline writes reflected to L1. Every number says
 * where it comes from or that it is assumed ({@link #parameters()}, {@code synth --describe});
 * none was tuned to the paper's Fig. 7 speedups, which {@code smtreplay validate} holds out.
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
     * netperf TCP_RR with 1-byte messages on the stock nested I/O path: per transaction L2 kicks
     * virtio-net (a doorbell write L0 reflects to L1 as EPT_MISCONFIG; L1 wakes its backend vCPU
     * with an IPI), sometimes re-arms a TCP timer (TSC deadline, reflected; L1 re-arms its own),
     * then halts until the reply: the HLT is reflected to L1 (KVM as L1 intercepts HLT), L1 halts
     * its own vCPU until the reply's interrupt arrives and injects it into L2. L1's I/O vCPU moves
     * the packets and interrupts L2's vCPU with an IPI.
     */
    NETPERF_RR("netperf-rr", "netperf TCP_RR 1 B on the stock nested path: doorbells and timer writes reflected to L1, L2's HLT reflected to L1 which halts until the reply") {
        @Override
        WorkloadMix mix(Isa isa, CostProfile profile) {
            return withIoPath(List.of(
                    always(NETPERF_GUEST_NS, virtioKick(L1_KICK_NS)),
                    sometimes(NETPERF_TIMER_SHARE, TIMER_GUEST_NS, timerRearm()),
                    always(HALT_GUEST_NS, reflectedHalt(NETPERF_WAIT_NS)),
                    sometimes(INTERRUPT_WHILE_RUNNING, INTERRUPT_GUEST_NS, interruptThroughL1()),
                    sometimes(HOST_INTERRUPT_SHARE, INTERRUPT_GUEST_NS, hostInterrupt())),
                    NETPERF_DEVICE_NS);
        }

        @Override
        public List<WorkloadParameter> parameters() {
            return withCommon(List.of(
                    WorkloadParameter.cited("transaction latency, baseline", "163 us",
                            "ISCA'19 Fig. 7 baseline (the baseline latency shapes the trace; the speedups are held out)"),
                    WorkloadParameter.assumed("L2 work per transaction (netperf + TCP/IP, both directions)",
                            us(NETPERF_GUEST_NS)),
                    WorkloadParameter.assumed("share of transactions that re-arm a TCP timer", pct(NETPERF_TIMER_SHARE)),
                    WorkloadParameter.assumed("L0's backend (vhost) + wire + peer per transaction: the 163 us less the path's CPU time",
                            us(NETPERF_DEVICE_NS)),
                    WorkloadParameter.assumed("L1 halted waiting for the reply, one vCPU (no I/O vCPU to wake it)",
                            us(NETPERF_WAIT_NS))));
        }
    },

    /**
     * memcached under a Facebook-ETC-like load near saturation, on the stock nested path: per
     * request a virtio-net doorbell (the paper's EPT_MISCONFIG), often a TSC-deadline write (the
     * paper's MSR_WRITE), short idle gaps with L2's HLT reflected to L1, a few EPT violations L0
     * handles alone and interrupts injected through L1.
     */
    MEMCACHED("memcached", "memcached (ETC-like) on the stock nested path: doorbells (EPT_MISCONFIG) and TSC-deadline MSR_WRITEs reflected to L1, short reflected idle gaps") {
        @Override
        WorkloadMix mix(Isa isa, CostProfile profile) {
            return withIoPath(List.of(
                    always(MEMCACHED_GUEST_NS, virtioKick(L1_KICK_NS)),
                    sometimes(MEMCACHED_TIMER_SHARE, TIMER_GUEST_NS, timerRearm()),
                    sometimes(0.02, 2_000, handledByL0(Trap.of(GuestExit.EPT_VIOLATION, 4_000))),
                    sometimes(INTERRUPT_WHILE_RUNNING, INTERRUPT_GUEST_NS, interruptThroughL1()),
                    sometimes(HOST_INTERRUPT_SHARE, INTERRUPT_GUEST_NS, hostInterrupt()),
                    sometimes(MEMCACHED_IDLE_SHARE, HALT_GUEST_NS, reflectedHalt(MEMCACHED_WAIT_NS))),
                    MEMCACHED_DEVICE_NS);
        }

        @Override
        public List<WorkloadParameter> parameters() {
            return withCommon(List.of(
                    WorkloadParameter.cited("L0 time in EPT_MISCONFIG (network MMIO), baseline", "4.8-19.3 %",
                            "ISCA'19 memcached: a check on the mix, not an input"),
                    WorkloadParameter.cited("L0 time in MSR_WRITE (TSC deadline), baseline", "0.5-4.6 %",
                            "ISCA'19 memcached: a check on the mix, not an input"),
                    WorkloadParameter.assumed("L2 work per request", us(MEMCACHED_GUEST_NS)),
                    WorkloadParameter.assumed("share of requests that re-arm the timer", pct(MEMCACHED_TIMER_SHARE)),
                    WorkloadParameter.assumed("share of requests followed by an idle gap", pct(MEMCACHED_IDLE_SHARE)),
                    WorkloadParameter.assumed("idle gap (L1 halted)", us(MEMCACHED_WAIT_NS)),
                    WorkloadParameter.assumed("L0-handled EPT violations per request, L0 work", "2 %, 4 us"),
                    WorkloadParameter.assumed("L0's backend (vhost) + wire per request until the next one arrives",
                            us(MEMCACHED_DEVICE_NS))));
        }
    },

    /**
     * fio 512 B random reads at queue depth 1 on the stock nested path: a virtio-blk doorbell per
     * I/O (reflected), then L2 halts (reflected; L1 halts until the completion interrupt its I/O
     * vCPU sends once L0's backend completed the read).
     */
    FIO_RANDREAD("fio-randread", "fio randread 512 B, iodepth 1, stock nested path: virtio-blk doorbells reflected to L1, L2's HLT reflected until completion",
            new FioBaseline("I/O latency, baseline (512 B reads)", "126 us", Workload.FIO_RANDREAD_DEVICE_NS)),

    /** fio random writes at queue depth 1 (block size not stated in the paper): the read's path; the device takes longer (Fig. 7's baseline). */
    FIO_RANDWRITE("fio-randwrite", "fio randwrite, iodepth 1, stock nested path: as fio-randread, the device slower (179 us)",
            new FioBaseline("I/O latency, baseline (random writes)", "179 us", Workload.FIO_RANDWRITE_DEVICE_NS)),

    /**
     * fio 4 KB random-read bandwidth: requests back to back, one in flight per L2 vCPU (the model has
     * no queueing), each as long as the cited baseline bandwidth makes it (4 KB at 87136 KB/s).
     */
    FIO_RANDREAD_BW("fio-randread-bw", "fio randread 4 KB bandwidth: back-to-back requests at the baseline's 47 us each (no queue depth: the model has no queueing)",
            new FioBaseline("time per 4 KB request, baseline (87136 KB/s)", "47.0 us", Workload.FIO_RANDREAD_BW_DEVICE_NS)),

    /** fio random-write bandwidth, as {@link #FIO_RANDREAD_BW} at 55769 KB/s (4 KB requests assumed, as the reads'). */
    FIO_RANDWRITE_BW("fio-randwrite-bw", "fio randwrite bandwidth: back-to-back requests at the baseline's 73 us each (4 KB assumed; no queueing)",
            new FioBaseline("time per request, baseline (55769 KB/s; 4 KB requests ASSUMED, as the reads')", "73.4 us",
                    Workload.FIO_RANDWRITE_BW_DEVICE_NS)),

    /** An idle tickless L2: it wakes every few ms, re-arms its timer (reflected) and halts again (reflected to L1). */
    IDLE("idle", "idle tickless L2: a TSC-deadline write reflected to L1 per wake-up, then HLT reflected to L1 for ~4 ms") {
        @Override
        WorkloadMix mix(Isa isa, CostProfile profile) {
            return new WorkloadMix(List.of(
                    always(6_000, timerRearm()),
                    always(HALT_GUEST_NS, reflectedHalt(IDLE_WAIT_NS)),
                    sometimes(0.1, INTERRUPT_GUEST_NS, interruptThroughL1())),
                    List.of(), JITTER);
        }

        @Override
        public List<WorkloadParameter> parameters() {
            return withCommon(List.of(
                    WorkloadParameter.assumed("time between wake-ups (tickless idle)", us(IDLE_WAIT_NS))));
        }
    };

    /** Every parameter of the workload with its source, or marked assumed ({@code synth --describe}). */
    public List<WorkloadParameter> parameters() {
        if (fio != null) {
            return fioParameters(fio.what(), fio.value(), fio.deviceNs());
        }
        return List.of(
                WorkloadParameter.cited("one nested cpuid", "10.40 us", "ISCA'19 Table 1"),
                WorkloadParameter.cited("L2 code per cpuid", "0.05 us", "ISCA'19 Table 1 stage 0"),
                WorkloadParameter.cited("L0 / L1 share of the handler time", "6.18 : 1.96",
                        "ISCA'19 Table 1 stages 2 + 3 : stage 5"),
                WorkloadParameter.cited("L1 traps per cpuid (VMX: a VMWRITE outside the shadow set; SVM: VMLOAD)", "1",
                        "ISCA'19 'life of a nested trap' (3 traps into L0, 3 resumes); the profile family also "
                                + "covers 0 and 2"),
                WorkloadParameter.cited("switch costs", "from the cost profile", "the profile's own sources"));
    }

    /** The stock nested I/O path every I/O workload shares, with its sources. */
    static List<WorkloadParameter> withCommon(List<WorkloadParameter> own) {
        List<WorkloadParameter> all = new ArrayList<>(own);
        all.add(WorkloadParameter.cited("L1 intercepts L2's HLT (stock KVM as L1; no cpu-pm=on)",
                "every idle entry reflected", "DVH (Lim, Nieh, ASPLOS'20): idle is a nested I/O cost centre"));
        all.add(WorkloadParameter.cited("device notification", "virtio doorbell (MMIO) reflected to L1 as "
                + "EPT_MISCONFIG (VMX) / reserved-bit NPF (SVM)", "DVH: device notification; ISCA'19 memcached's "
                + "EPT_MISCONFIG traps"));
        all.add(WorkloadParameter.cited("L1 wakes its backend vCPU", "one x2APIC ICR write (IPI) per doorbell",
                "DVH: IPIs are a nested cost centre"));
        all.add(WorkloadParameter.cited("timers", "TSC-deadline MSR_WRITE reflected; L1 re-arms its own",
                "ISCA'19 memcached MSR_WRITE (TSC deadline); DVH: program timer"));
        all.add(WorkloadParameter.cited("interrupts for L2", "injected by L1 (no nested posted interrupts): a "
                + "reflected external interrupt while L2 runs, the wake-up inside the reflected HLT otherwise",
                "DVH: virtual interrupts through the guest hypervisor"));
        all.add(WorkloadParameter.cited("L1 VMREAD/VMWRITE per reflected exit without VMCS shadowing",
                VMREADS_PER_REFLECTION + " VMREADs, " + VMWRITES_PER_REFLECTION + " VMWRITEs",
                "intel/haxm#130: KVM as L1 does 6-10 VMREADs and 2-6 VMWRITEs per L2 exit (low end taken)"));
        all.add(WorkloadParameter.assumed("L0 work: doorbell / timer write / HLT / interrupt exit",
                "3.5 / 2.0 / 1.5 / 1.2 us"));
        all.add(WorkloadParameter.assumed("L1 work: doorbell (net) / timer / HLT / interrupt injection",
                us(L1_KICK_NS) + " / 2.5 / " + us(L1_HALT_NS) + " / " + us(L1_INJECT_NS)));
        all.add(WorkloadParameter.assumed("L0 work for an L1 trap: ICR write / TSC-deadline write / HLT",
                "1.5 / 1.5 / 1.5 us"));
        all.add(WorkloadParameter.assumed("from a wake-up (IPI, device interrupt, sched_waking) to the woken vCPU running",
                us(IoRoundTrips.WAKE_LATENCY_NS)));
        all.add(WorkloadParameter.assumed("L1's I/O vCPU per request: virtqueue work, its kick of L0's device (L1 MMIO exit), "
                + "halt until the completion, IPI to L2's vCPU (x2APIC ICR write), halt", "6 / 2.5 / 2 / 3 / 2 us"));
        all.add(WorkloadParameter.assumed("share of interrupts arriving while L2 runs", pct(INTERRUPT_WHILE_RUNNING)));
        all.add(WorkloadParameter.assumed("share of steps hit by an interrupt of L0's own (handled by L0 alone)",
                pct(HOST_INTERRUPT_SHARE)));
        all.add(WorkloadParameter.assumed("jitter of every time", "+-" + pct(JITTER)));
        return List.copyOf(all);
    }

    /** Every time is drawn within +-10 % of its mean (assumed). */
    static final double JITTER = 0.10;
    /** L2 work before it halts, before a timer write, before an interrupt (assumed). */
    static final long HALT_GUEST_NS = 2_000;
    static final long TIMER_GUEST_NS = 3_000;
    static final long INTERRUPT_GUEST_NS = 1_000;
    /** L1's handling (assumed): a virtio-net doorbell, a virtio-blk doorbell, L2's HLT, an interrupt to inject. */
    static final long L1_KICK_NS = 6_000;
    static final long L1_BLK_KICK_NS = 7_000;
    static final long L1_HALT_NS = 2_000;
    static final long L1_INJECT_NS = 2_000;
    /** Share of steps interrupted by one of L0's own interrupts, handled by L0 alone (assumed). */
    static final double HOST_INTERRUPT_SHARE = 0.05;
    /** Share of L2's interrupts that arrive while it runs, not while it halts (assumed). */
    static final double INTERRUPT_WHILE_RUNNING = 0.05;
    /** netperf TCP_RR: L2 work, timer share, L1's halt waiting for the reply, I/O vCPU idle (assumed; 163 us in all, Fig. 7). */
    static final long NETPERF_GUEST_NS = 18_000;
    static final double NETPERF_TIMER_SHARE = 0.5;
    static final long NETPERF_WAIT_NS = 115_000;
    static final long NETPERF_DEVICE_NS = 111_000;
    /** memcached (assumed). */
    static final long MEMCACHED_GUEST_NS = 22_000;
    static final double MEMCACHED_TIMER_SHARE = 0.35;
    static final double MEMCACHED_IDLE_SHARE = 0.25;
    static final long MEMCACHED_WAIT_NS = 20_000;
    static final long MEMCACHED_DEVICE_NS = 15_000;
    /** fio randread (assumed; 126 us in all, Fig. 7). */
    static final long FIO_GUEST_NS = 9_000;
    static final double FIO_TIMER_SHARE = 0.3;
    /**
     * L0's backend + device per request: each cited baseline of Fig. 7 (latency, or 4 KB over the
     * bandwidth) less the path's baseline CPU time as synthesized (set once so that the baseline
     * period matches, before any speedup was looked at).
     */
    static final long FIO_RANDREAD_DEVICE_NS = 83_000;
    static final long FIO_RANDWRITE_DEVICE_NS = 136_000;
    static final long FIO_RANDREAD_BW_DEVICE_NS = 4_000;
    static final long FIO_RANDWRITE_BW_DEVICE_NS = 30_500;
    /** L1's I/O vCPU: its virtqueue work before it kicks L0's device (assumed). */
    static final long IO_VCPU_KICK_GUEST_NS = 6_000;
    /** Tickless idle: time between wake-ups (assumed). */
    static final long IDLE_WAIT_NS = 3_900_000;

    /**
     * Inner L1 traps added to each reflected exit on VMX without VMCS shadowing: KVM as L1 reads
     * the exit information and writes the guest state back (intel/haxm#130: 6-10 VMREADs and 2-6
     * VMWRITEs per L2 exit; the low end).
     */
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

    /** A fio workload's cited baseline (what, value) and the backend + device time derived from it. */
    private record FioBaseline(String what, String value, long deviceNs) {
    }

    private final FioBaseline fio;

    Workload(String cliName, String description) {
        this(cliName, description, null);
    }

    Workload(String cliName, String description, FioBaseline fio) {
        this.cliName = cliName;
        this.description = description;
        this.fio = fio;
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

    /** The workload's steps; the fio workloads share one shape, their device time apart. */
    WorkloadMix mix(Isa isa, CostProfile profile) {
        if (fio == null) {
            throw new IllegalStateException(cliName + " defines its own mix");
        }
        return fio(fio.deviceNs());
    }

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
        return new WorkloadMix(steps, mix.l1IoCycle(), mix.jitter(), mix.io());
    }

    /** L2 kicks a virtio queue (MMIO, reflected); L1 wakes its device backend with an IPI. */
    private static EpisodeTemplate virtioKick(long l1Ns) {
        return reflected(Trap.of(GuestExit.MMIO, 3_500), l1Ns, Trap.msrWrite(Trap.MSR_X2APIC_ICR, 1_500));
    }

    /** L2 re-arms its TSC-deadline timer (reflected); L1 emulates it by re-arming its own. */
    private static EpisodeTemplate timerRearm() {
        return reflected(Trap.msrWrite(Trap.MSR_TSC_DEADLINE, 2_000), 2_500, Trap.msrWrite(Trap.MSR_TSC_DEADLINE, 1_500));
    }

    /** L2 halts; L1 (which intercepts HLT) halts its own vCPU until L2's interrupt arrives, injects it, resumes L2. */
    private static EpisodeTemplate reflectedHalt(long waitNs) {
        return EpisodeTemplate.reflectedHalt(1_500, L1_HALT_NS, 1_500, waitNs);
    }

    /** An interrupt for L2 while it runs: L2 exits, L0 reflects it to L1, which injects it into L2. */
    private static EpisodeTemplate interruptThroughL1() {
        return reflected(Trap.of(GuestExit.EXTERNAL_INTERRUPT, 1_200), L1_INJECT_NS);
    }

    /** An interrupt of L0's own (host timer, an IPI between host CPUs) while L2 runs: L0 handles it alone. */
    private static EpisodeTemplate hostInterrupt() {
        return handledByL0(Trap.of(GuestExit.EXTERNAL_INTERRUPT, 1_200));
    }

    /**
     * A workload on the causal I/O path ({@link IoRoundTrips}): {@code l2Cycle} starts with the
     * doorbell; L1's I/O vCPU kicks L0's device, halts until its completion, interrupts L2's vCPU
     * with an IPI, halts until the next request; L0's backend takes {@code deviceNs}.
     */
    private static WorkloadMix withIoPath(List<WorkloadStep> l2Cycle, long deviceNs) {
        WorkloadStep kick = always(IO_VCPU_KICK_GUEST_NS, l1Exit(Trap.of(GuestExit.MMIO, 2_500)));
        WorkloadStep awaitCompletion = always(2_000, l1Idle(1_500, deviceNs));
        WorkloadStep interruptL2 = always(3_000, l1Exit(Trap.msrWrite(Trap.MSR_X2APIC_ICR, 1_500)));
        WorkloadStep awaitRequest = always(2_000, l1Idle(1_500, deviceNs));
        return new WorkloadMix(l2Cycle, List.of(kick, awaitCompletion, interruptL2, awaitRequest), JITTER,
                new WorkloadMix.IoPath(kick, awaitCompletion, interruptL2, awaitRequest, deviceNs));
    }

    /** fio at queue depth 1: a virtio-blk doorbell per request, sometimes a timer, then L2 halts until the completion. */
    private static WorkloadMix fio(long deviceNs) {
        return withIoPath(List.of(
                always(FIO_GUEST_NS, virtioKick(L1_BLK_KICK_NS)),
                sometimes(FIO_TIMER_SHARE, TIMER_GUEST_NS, timerRearm()),
                always(HALT_GUEST_NS, reflectedHalt(deviceNs)),
                sometimes(HOST_INTERRUPT_SHARE, INTERRUPT_GUEST_NS, hostInterrupt())), deviceNs);
    }

    private static List<WorkloadParameter> fioParameters(String baseline, String value, long deviceNs) {
        return withCommon(List.of(
                WorkloadParameter.cited(baseline, value,
                        "ISCA'19 Fig. 7 baseline (shapes the trace; the speedups are held out)"),
                WorkloadParameter.assumed("L2 work per I/O (fio + block layer)", us(FIO_GUEST_NS)),
                WorkloadParameter.assumed("L1 handling of a virtio-blk doorbell", us(L1_BLK_KICK_NS)),
                WorkloadParameter.assumed("share of I/Os that re-arm a timer", pct(FIO_TIMER_SHARE)),
                WorkloadParameter.assumed("L0's backend + device per request: the rest of the baseline "
                        + "(the baseline less this path's CPU time, about 43 us, measured on the synthesized trace)", us(deviceNs))));
    }

    private static String us(long ns) {
        return String.format(java.util.Locale.ROOT, "%.1f us", ns / 1e3);
    }

    private static String pct(double share) {
        return String.format(java.util.Locale.ROOT, "%.0f %%", share * 100);
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
