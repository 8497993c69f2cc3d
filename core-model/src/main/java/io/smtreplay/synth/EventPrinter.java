package io.smtreplay.synth;

import io.smtreplay.synth.SynthEvent.Tp;
import io.smtreplay.trace.ExitReasonNaming;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;

/**
 * Prints events exactly as one tool shows them for one kernel era
 * (../shared/model/kvm-tracepoint-formats.md §1–3):
 * <ul>
 * <li>ftrace: the kernel's TP_printk text behind {@code comm-pid [cpu] flags ts: name: };</li>
 * <li>trace-cmd report: {@code comm-pid [cpu] ts: name:} padded, and libtraceevent's plugin_kvm text
 *     for kvm_exit, kvm_nested_vmexit and kvm_nested_vmexit_inject;</li>
 * <li>perf script: {@code comm tid [cpu] ts: kvm:name:} right-aligned to the longest recorded event
 *     name, with the same plugin text.</li>
 * </ul>
 * The plugin reads kvm_nested_vmexit's {@code rip} and {@code exit_code} fields, which kernels from
 * v5.10 no longer have: real tools then print a marker before the kernel's own text, and so does
 * this printer — {@code CAN'T FIND FIELD "rip"<CANT FIND FIELD exit_code>} from the in-tree
 * libtraceevent of trace-cmd 2.x (lkml 2020) and from perf with plugins (bugzilla 220549, 6.12),
 * {@code <CANT FIND FIELD rip>} from trace-cmd 3.x with libtraceevent 1.x, which also prints
 * {@code kvm_entry} as {@code  vcpu N rip 0x…} (the capture lab's trace-cmd 3.1.6 on 6.1). Each
 * kernel era is printed as the tools of its time print it: 6.12 with trace-cmd 3.x.
 */
final class EventPrinter {

    static final String CANT_FIND_FIELD = "CAN'T FIND FIELD \"rip\"<CANT FIND FIELD exit_code>";
    static final String CANT_FIND_FIELD_LIBTRACEEVENT_1 = "<CANT FIND FIELD rip>";

    private final TraceFormat format;
    private final KernelEra era;
    private final Isa isa;
    private final int perfNameWidth;

    EventPrinter(TraceFormat format, KernelEra era, Isa isa) {
        this.format = format;
        this.era = era;
        this.isa = isa;
        // perf pads event names to the longest recorded one; with perf record -e 'kvm:*' that is
        // kvm:kvm_avic_unaccelerated_access (33), from 5.11 kvm:kvm_vmgexit_msr_protocol_enter (34)
        this.perfNameWidth = era == KernelEra.V6_12 ? 34 : 33;
    }

    /** The tracepoint name as this kernel calls it. */
    String tracepoint(Tp tp) {
        if (tp == Tp.NESTED_VMENTER && !era.nestedVmenter()) {
            return "kvm_nested_vmrun";
        }
        return tp.tracepoint;
    }

    void print(SynthEvent e, AsciiSink s) {
        s.startLine();
        switch (format) {
            case FTRACE -> ftracePrefix(e, s);
            case TRACE_CMD -> traceCmdPrefix(e, s);
            case PERF_SCRIPT -> perfPrefix(e, s);
        }
        payload(e, s);
        s.endLine();
    }

    private static void timestamp(long ns, AsciiSink s) {
        s.decRight(ns / 1_000_000_000L, 5).ch('.').decZero(ns % 1_000_000_000L / 1_000, 6);
    }

    private void ftracePrefix(SynthEvent e, AsciiSink s) {
        VcpuThread t = e.thread;
        s.right(t.comm(), 16).ch('-').decLeft(t.tid(), era.wideFtraceColumns() ? 7 : 5)
                .str(" [").decZero(t.pcpu(), 3).str("] ").str(flags(e.tp)).ch(' ');
        timestamp(e.timeNs, s);
        s.str(": ").str(tracepoint(e.tp)).str(": ");
    }

    /** The irqs-off/need-resched/hardirq/preempt(/migrate-disable) column each tracepoint shows. */
    private String flags(Tp tp) {
        if (tp.scheduler()) {
            return era.wideFtraceColumns() ? "d..2." : "d..2"; // try_to_wake_up holds p->pi_lock, irqs off
        }
        if (!era.wideFtraceColumns()) {
            return tp == Tp.ENTRY ? "d..1" : "....";
        }
        if (isa == Isa.SVM) {
            return tp == Tp.ENTRY ? "d..1." : ".....";
        }
        // VMX traces exits, entries and the fastpath MSR writes with interrupts off
        return tp == Tp.ENTRY || tp == Tp.EXIT || tp == Tp.MSR ? "d...." : ".....";
    }

    private void traceCmdPrefix(SynthEvent e, AsciiSink s) {
        VcpuThread t = e.thread;
        s.right(t.comm(), 16).ch('-').decLeft(t.tid(), 5).str(" [").decZero(t.pcpu(), 3).str("] ");
        timestamp(e.timeNs, s);
        s.str(": ").left(tracepoint(e.tp) + ":", 21).ch(' ');
    }

    private void perfPrefix(SynthEvent e, AsciiSink s) {
        VcpuThread t = e.thread;
        s.right(t.comm(), 16).ch(' ').decRight(t.tid(), era.wideFtraceColumns() ? 7 : 5)
                .str(" [").decZero(t.pcpu(), 3).str("] ");
        timestamp(e.timeNs, s);
        s.str(": ").right((e.tp.scheduler() ? "sched:" : "kvm:") + tracepoint(e.tp), perfNameWidth).str(": ");
    }

    private boolean plugin() {
        return format != TraceFormat.FTRACE;
    }

    /** trace-cmd 3.x with libtraceevent 1.x, the trace-cmd of 6.12's time. */
    private boolean traceCmd3() {
        return format == TraceFormat.TRACE_CMD && era == KernelEra.V6_12;
    }

    private String kernelName(SynthEvent e) {
        return ExitReasons.printedName(e.reason, ExitReasonNaming.KERNEL);
    }

    private String pluginName(SynthEvent e) {
        return ExitReasons.printedName(e.reason, ExitReasonNaming.TRACEEVENT_PLUGIN);
    }

    /** The {@code info2} field of kvm_exit: before v5.10, VMX stored the interruption info there. */
    private long exitInfo2(SynthEvent e) {
        return !era.commonExitFormat() && isa == Isa.VMX ? e.intrInfo : e.info2;
    }

    private void payload(SynthEvent e, AsciiSink s) {
        switch (e.tp) {
            case ENTRY -> {
                if (traceCmd3()) {
                    s.str(" vcpu ").dec(e.thread.vcpuId()).str(" rip ").hex0x(e.rip);
                } else {
                    s.str("vcpu ").dec(e.thread.vcpuId());
                    if (era.entryHasRip()) {
                        s.str(", rip ").hex0x(e.rip);
                    }
                }
            }
            case EXIT -> {
                if (plugin()) {
                    pluginExit(e, s);
                } else if (era.commonExitFormat()) {
                    commonExit(e, s);
                } else {
                    s.str("reason ").str(kernelName(e)).str(" rip ").hex0x(e.rip)
                            .str(" info ").hex(e.info1).ch(' ').hex(exitInfo2(e));
                }
            }
            case NESTED_VMEXIT -> {
                if (era.commonExitFormat()) {
                    if (plugin()) {
                        s.str(traceCmd3() ? CANT_FIND_FIELD_LIBTRACEEVENT_1 : CANT_FIND_FIELD);
                    }
                    commonExit(e, s);
                } else if (plugin()) {
                    s.str("rip ").hex(e.rip).ch(' ');
                    pluginInject(e, s);
                } else {
                    s.str("rip: ").hex0x(e.rip, 16).str(" reason: ").str(kernelName(e));
                    kernelInjectInfo(e, s);
                }
            }
            case NESTED_VMEXIT_INJECT -> {
                if (plugin()) {
                    pluginInject(e, s);
                } else {
                    s.str("reason: ").str(kernelName(e));
                    kernelInjectInfo(e, s);
                }
            }
            case NESTED_VMENTER -> nestedVmenter(e, s);
            case NESTED_INTERCEPTS -> {
                // KVM as L1 intercepts CR8 writes and CR0/CR4 reads/writes selectively; these are its usual words
                s.str("cr_read: 0010 cr_write: 0010 excp: 00060042 ");
                if (era.interceptWords()) {
                    s.str("intercepts: bc4c8027 00006e7f 00000000");
                } else {
                    s.str("intercept: 00006e7fbc4c8027");
                }
            }
            case PAGE_FAULT -> {
                if (era.wideFtraceColumns()) {
                    s.str("vcpu ").dec(e.thread.vcpuId()).str(" rip ").hex0x(e.rip)
                            .str(" address ").hex0x(e.address, 16).str(" error_code ").hex0x(e.value);
                } else {
                    s.str("address ").hex(e.address).str(" error_code ").hex(e.value);
                }
            }
            case MSR -> s.str("msr_write ").hex(e.address).str(" = ").hex0x(e.value);
            case FAST_MMIO -> s.str("fast mmio at gpa ").hex0x(e.address);
            case APIC_ACCEPT_IRQ, MSI_SET_IRQ -> s.str(interruptText(e));
            case SCHED_WAKING -> schedKernelText(e, s);
            case SCHED_WAKEUP -> {
                if (plugin()) {
                    // libtraceevent's sched plugin (trace-cmd report, perf with plugins): comm:pid [prio] CPU:nnn
                    s.str(e.target.comm()).ch(':').dec(e.target.tid()).str(" [120] CPU:").decZero(e.target.pcpu(), 3);
                } else {
                    schedKernelText(e, s);
                }
            }
        }
    }

    /**
     * The kernel's text of an interrupt event, as every tool prints it (no plugin handles them):
     * {@code kvm_apic_accept_irq: apicid %x vec %u (%s|%s)}, {@code kvm_msi_set_irq: dst %llx vec %u (%s|%s|%s%s)}.
     */
    static String interruptText(SynthEvent e) {
        return e.tp == Tp.APIC_ACCEPT_IRQ
                ? "apicid " + Integer.toHexString(e.target.vcpuId()) + " vec " + e.value + " (Fixed|edge)"
                : "dst " + Integer.toHexString(e.target.vcpuId()) + " vec " + e.value + " (Fixed|physical|edge)";
    }

    /** sched_wakeup_template's TP_printk since 4.3 (no plugin handles sched_waking). */
    private static void schedKernelText(SynthEvent e, AsciiSink s) {
        s.str("comm=").str(e.target.comm()).str(" pid=").dec(e.target.tid()).str(" prio=120 target_cpu=")
                .decZero(e.target.pcpu(), 3);
    }

    private void pluginExit(SynthEvent e, AsciiSink s) {
        s.str("reason ").str(pluginName(e)).str(" rip ").hex0x(e.rip)
                .str(" info ").hex(e.info1).ch(' ').hex(exitInfo2(e));
    }

    private void commonExit(SynthEvent e, AsciiSink s) {
        s.str("vcpu ").dec(e.thread.vcpuId()).str(" reason ").str(kernelName(e))
                .str(" rip ").hex0x(e.rip)
                .str(" info1 ").hex0x(e.info1, 16).str(" info2 ").hex0x(e.info2, 16)
                .str(" intr_info ").hex0x(e.intrInfo, 8).str(" error_code ").hex0x(e.errorCode, 8);
    }

    private void pluginInject(SynthEvent e, AsciiSink s) {
        s.str("reason ").str(pluginName(e)).str(" info1 ").hex(e.info1).str(" info2 ").hex(e.info2)
                .str(" int_info ").hex(e.intrInfo).str(" int_info_err ").hex(e.errorCode);
    }

    private void kernelInjectInfo(SynthEvent e, AsciiSink s) {
        s.str(" ext_inf1: ").hex0x(e.info1, 16).str(" ext_inf2: ").hex0x(e.info2, 16)
                .str(" ext_int: ").hex0x(e.intrInfo, 8).str(" ext_int_err: ").hex0x(e.errorCode, 8);
    }

    private void nestedVmenter(SynthEvent e, AsciiSink s) {
        s.str("rip: ").hex0x(e.rip, 16);
        if (!era.nestedVmenter()) {
            s.str(" vmcb: ").hex0x(e.address, 16).str(" nrip: ").hex0x(e.value, 16)
                    .str(" int_ctl: 0x01000000 event_inj: 0x00000000 npt: on");
            return;
        }
        boolean vmx = isa == Isa.VMX;
        s.str(vmx ? " vmcs: " : " vmcb: ").hex0x(e.address, 16).str(" nested_rip: ").hex0x(e.value, 16)
                .str(vmx ? " int_ctl: 0x00000000" : " int_ctl: 0x01000000").str(" event_inj: 0x00000000")
                .str(vmx ? " nested_ept=y nested_eptp: " : " nested_npt=y nested_cr3: ").hex0x(e.info1, 16);
    }
}
