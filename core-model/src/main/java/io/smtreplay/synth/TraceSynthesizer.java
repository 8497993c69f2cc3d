package io.smtreplay.synth;

import io.smtreplay.profile.CostProfile;

import io.smtreplay.trace.Isa;
import io.smtreplay.trace.NestedEntry;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes a synthesized L0 host trace of a nested-virtualization workload, streamed: each vCPU
 * thread makes its events an episode at a time and the threads are merged by timestamp, as the
 * tools merge per-CPU buffers. Output depends only on the spec and the cost profile: the same arguments give
 * byte-identical files.
 *
 * <p>The first line is always {@link #HEADER_MARK} comment saying the file is synthesized; then
 * what the tool itself prints first ({@code # tracer: nop} … for an ftrace {@code trace} file,
 * {@code cpus=N} for trace-cmd report, nothing for perf script).
 */
public final class TraceSynthesizer {

    /** Starts the first line of every synthesized file. */
    public static final String HEADER_MARK = "# smtreplay synth: SYNTHESIZED trace, not captured on a host;";

    /** Where the trace clock starts: an uptime of a few days, like a long-running host. */
    private static final long START_NS = 251_263_000_000_000L;

    private final SynthSpec spec;
    private final CostProfile profile;

    public TraceSynthesizer(SynthSpec spec, CostProfile profile) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.profile = Objects.requireNonNull(profile, "profile");
    }

    /** The first line of the file (without newline). */
    public String headerComment() {
        return HEADER_MARK
                + " workload=" + spec.workload().cliName()
                + " format=" + spec.format().cliName()
                + " kernel=" + spec.kernel().cliName()
                + " isa=" + spec.isa().name().toLowerCase(java.util.Locale.ROOT)
                + " vcpus=" + spec.vcpus()
                + " duration-ns=" + spec.durationNs()
                + " seed=" + spec.seed()
                + " shadow-vmcs=" + spec.shadowVmcs()
                + " profile=" + profile.name()
                + " app=" + spec.appLabel();
    }

    /** Host CPUs: enough for every vCPU thread on its own core, as a host pinning them would have. */
    int hostCpus() {
        return Math.max(4, 2 * spec.vcpus() + 2);
    }

    /**
     * Writes the trace to {@code out} (which is flushed, not closed).
     *
     * @return what was written, counted from the printed timestamps
     * @throws java.io.UncheckedIOException when writing fails
     */
    public GroundTruth write(OutputStream out) {
        long entries = spec.format() == TraceFormat.FTRACE ? dryRunEvents() : 0;
        GroundTruth truth = new GroundTruth();
        AsciiSink sink = new AsciiSink(out);
        header(sink, truth, entries);
        EventPrinter printer = new EventPrinter(spec.format(), spec.kernel(), spec.isa());
        Supplier<SynthEvent> events = events(truth);
        for (SynthEvent e = events.get(); e != null; e = events.get()) {
            printer.print(e, sink);
            truth.event(printer.tracepoint(e.tp));
        }
        sink.flush();
        return truth;
    }

    /**
     * Hands the events to {@code sink} as a parser would read them from the printed file (the
     * timestamps at the tools' microseconds, the fields typed, no payload text), without printing:
     * a synthetic event source for replay tests and benchmarks.
     *
     * @return the same ground truth {@link #write} reports, header lines aside
     */
    public GroundTruth emit(Consumer<TraceEvent> sink) {
        GroundTruth truth = new GroundTruth();
        EventPrinter names = new EventPrinter(spec.format(), spec.kernel(), spec.isa());
        Supplier<SynthEvent> events = events(truth);
        for (SynthEvent e = events.get(); e != null; e = events.get()) {
            String tracepoint = names.tracepoint(e.tp);
            sink.accept(toTraceEvent(e, tracepoint));
            truth.event(tracepoint);
        }
        return truth;
    }

    private TraceEvent toTraceEvent(SynthEvent e, String tracepoint) {
        TraceEvent.Builder b = TraceEvent.builder(tracepoint)
                .timestampNs(VcpuTimeline.printed(e.timeNs))
                .tid(e.thread.tid())
                .comm(e.thread.comm())
                .pcpu(e.thread.pcpu())
                .vcpu(e.thread.vcpuId())
                .isa(spec.isa());
        switch (e.tp) {
            case EXIT, NESTED_VMEXIT, NESTED_VMEXIT_INJECT -> b.reason(e.reason).guestRip(e.rip)
                    .info1(e.info1).info2(e.info2).intrInfo(e.intrInfo).errorCode(e.errorCode);
            case ENTRY -> b.guestRip(e.rip);
            case APIC_ACCEPT_IRQ, MSI_SET_IRQ -> b.vcpu(-1).payload(EventPrinter.interruptText(e));
            case SCHED_WAKING, SCHED_WAKEUP -> b.vcpu(-1).wokenThread(e.target.tid());
            case NESTED_VMENTER -> b.nestedEntry(new NestedEntry(e.rip, e.address, e.value,
                    spec.isa() == Isa.SVM ? 0x01000000L : 0, 0, true, spec.kernel().nestedVmenter() ? e.info1 : null));
            default -> { }
        }
        return b.build();
    }

    /** ftrace's header states the number of entries up front; a first pass without printing counts them. */
    private long dryRunEvents() {
        Supplier<SynthEvent> events = events(new GroundTruth());
        long n = 0;
        while (events.get() != null) {
            n++;
        }
        return n;
    }

    /**
     * Every event in time order. Workloads whose I/O has a causal path ({@link WorkloadMix#io()}),
     * with two vCPUs or more, are made by {@link IoRoundTrips} (L2's vCPUs, L1's I/O vCPU and L0's
     * backend coupled by their wake-ups); the others are independent vCPU threads merged by time.
     */
    private Supplier<SynthEvent> events(GroundTruth truth) {
        WorkloadMix mix = spec.workload().mix(spec.isa(), spec.shadowVmcs(), profile);
        int n = spec.vcpus();
        boolean ioVcpu = !mix.l1IoCycle().isEmpty() && n >= 2;
        int tidBase = 1_000 + (int) Math.floorMod(spec.seed() * 7_919L, 60_000L);
        List<VcpuTimeline> all = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            boolean runsL2 = !(ioVcpu && v == n - 1);
            VcpuThread thread = new VcpuThread(v, v, tidBase + v, (2 + 2 * v) % hostCpus(), "CPU " + v + "/KVM");
            // vCPUs start a little apart so their first exits do not coincide
            long start = START_NS + 1_700L * v;
            all.add(new VcpuTimeline(thread, spec.isa(), spec.kernel(), runsL2 ? mix.l2Cycle() : mix.l1IoCycle(),
                    runsL2, mix.jitter(), profile, spec.seed(), start, START_NS + spec.durationNs(), truth,
                    spec.workload() == Workload.CPUID_LOOP));
        }
        if (ioVcpu && mix.io() != null) {
            // vhost names its worker after QEMU's pid; QEMU's main thread comes just before the vCPU threads
            VcpuThread backend = new VcpuThread(n, -1, tidBase + n + 3, (2 + 2 * n) % hostCpus(), "vhost-" + (tidBase - 4));
            return new IoRoundTrips(all.subList(0, n - 1), all.get(n - 1), backend, mix)::poll;
        }
        PriorityQueue<VcpuTimeline> queue = new PriorityQueue<>((a, b) -> {
            int c = Long.compare(a.peek().timeNs, b.peek().timeNs);
            return c != 0 ? c : Integer.compare(a.thread().index(), b.thread().index());
        });
        for (VcpuTimeline t : all) {
            if (t.peek() != null) {
                queue.add(t);
            }
        }
        return () -> {
            VcpuTimeline next = queue.poll();
            if (next == null) {
                return null;
            }
            SynthEvent e = next.poll();
            if (next.peek() != null) {
                queue.add(next);
            }
            return e;
        };
    }

    private void header(AsciiSink s, GroundTruth truth, long entries) {
        line(s, truth, headerComment());
        switch (spec.format()) {
            case FTRACE -> ftraceHeader(s, truth, entries);
            case TRACE_CMD -> line(s, truth, "cpus=" + hostCpus());
            case PERF_SCRIPT -> { }
        }
    }

    private static void line(AsciiSink s, GroundTruth truth, String text) {
        s.startLine();
        s.str(text);
        s.endLine();
        truth.headerLine();
    }

    private void ftraceHeader(AsciiSink s, GroundTruth truth, long entries) {
        line(s, truth, "# tracer: nop");
        line(s, truth, "#");
        line(s, truth, "# entries-in-buffer/entries-written: " + entries + "/" + entries + "   #P:" + hostCpus());
        line(s, truth, "#");
        String[] legend = spec.kernel().wideFtraceColumns()
                ? new String[] {
                    "#                                _-----=> irqs-off/BH-disabled",
                    "#                               / _----=> need-resched",
                    "#                              | / _---=> hardirq/softirq",
                    "#                              || / _--=> preempt-depth",
                    "#                              ||| / _-=> migrate-disable",
                    "#                              |||| /     delay",
                    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
                    "#              | |         |   |||||     |         |"}
                : new String[] {
                    "#                              _-----=> irqs-off",
                    "#                             / _----=> need-resched",
                    "#                            | / _---=> hardirq/softirq",
                    "#                            || / _--=> preempt-depth",
                    "#                            ||| /     delay",
                    "#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION",
                    "#              | |       |   ||||       |         |"};
        for (String l : legend) {
            line(s, truth, l);
        }
    }
}
