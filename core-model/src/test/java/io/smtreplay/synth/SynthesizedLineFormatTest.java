package io.smtreplay.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import io.smtreplay.trace.TraceTimestamps;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every line has the shape the tool prints on that kernel. The patterns are transcribed from
 * ../shared/model/kvm-tracepoint-formats.md and the saved real traces, not from the printer.
 */
class SynthesizedLineFormatTest {

    private static final String H = "[0-9a-f]";
    private static final Pattern FTRACE_OLD = Pattern.compile("^ *(\\S.{0,15})-(\\d+) +\\[(\\d{3})\\] ([d.][.N][.hHs][.0-9]) +(\\d+\\.\\d{6}): (\\w+): (.*)$");
    private static final Pattern FTRACE_NEW = Pattern.compile("^ *(\\S.{0,15})-(\\d+) +\\[(\\d{3})\\] ([d.][.N][.hHs][.0-9][.0-9]) +(\\d+\\.\\d{6}): (\\w+): (.*)$");
    private static final Pattern TRACE_CMD = Pattern.compile("^ *(\\S.{0,15})-(\\d+) +\\[(\\d{3})\\] +(\\d+\\.\\d{6}): (\\w+):( +)(\\S.*)$");
    private static final Pattern PERF = Pattern.compile("^ *(\\S.{0,15}) +(\\d+) \\[(\\d{3})\\] +(\\d+\\.\\d{6}): ( +(?:kvm|sched):(\\w+)): (.*)$");

    private static Map<String, Pattern> payloads(TraceFormat f, KernelEra k) {
        boolean plugin = f != TraceFormat.FTRACE;
        boolean old = k == KernelEra.V4_18;
        Map<String, Pattern> p = new HashMap<>();
        String commonExit = "vcpu \\d+ reason \\S+ rip 0x" + H + "+ info1 0x" + H + "{16} info2 0x" + H + "{16} intr_info 0x" + H + "{8} error_code 0x" + H + "{8}";
        String kernelInject = "reason: \\S+ ext_inf1: 0x" + H + "{16} ext_inf2: 0x" + H + "{16} ext_int: 0x" + H + "{8} ext_int_err: 0x" + H + "{8}";
        String pluginInject = "reason \\S+ info1 " + H + "+ info2 " + H + "+ int_info " + H + "+ int_info_err " + H + "+";
        boolean traceCmd3 = f == TraceFormat.TRACE_CMD && k == KernelEra.V6_12;
        // trace-cmd 3.1.6 on 6.1 (capture lab): "kvm_entry:             vcpu 1 rip 0x106d"
        p.put("kvm_entry", Pattern.compile(old ? "vcpu \\d+" : traceCmd3 ? " vcpu \\d+ rip 0x" + H + "+" : "vcpu \\d+, rip 0x" + H + "+"));
        p.put("kvm_exit", Pattern.compile(plugin || old ? "reason \\S+ rip 0x" + H + "+ info " + H + "+ " + H + "+" : commonExit));
        if (old) {
            p.put("kvm_nested_vmexit", Pattern.compile(plugin ? "rip " + H + "+ " + pluginInject
                    : "rip: 0x" + H + "{16} " + kernelInject.replace("reason: ", "reason: ")));
        } else {
            String marker = !plugin ? "" : traceCmd3 ? Pattern.quote("<CANT FIND FIELD rip>")
                    : Pattern.quote("CAN'T FIND FIELD \"rip\"<CANT FIND FIELD exit_code>");
            p.put("kvm_nested_vmexit", Pattern.compile(marker + commonExit));
        }
        p.put("kvm_nested_vmexit_inject", Pattern.compile(plugin ? pluginInject : kernelInject));
        p.put("kvm_nested_vmrun", Pattern.compile("rip: 0x" + H + "{16} vmcb: 0x" + H + "{16} nrip: 0x" + H + "{16} int_ctl: 0x" + H + "{8} event_inj: 0x" + H + "{8} npt: (on|off)"));
        p.put("kvm_nested_vmenter", Pattern.compile("rip: 0x" + H + "{16} (vmcs|vmcb): 0x" + H + "{16} nested_rip: 0x" + H + "{16} int_ctl: 0x" + H
                + "{8} event_inj: 0x" + H + "{8} nested_(ept|npt)=[yn] (nested_eptp|nested_cr3|guest_cr3): 0x" + H + "{16}"));
        p.put("kvm_nested_intercepts", Pattern.compile("cr_read: " + H + "{4} cr_write: " + H + "{4} excp: " + H + "{8} "
                + (old ? "intercept: " + H + "{16}" : "intercepts: " + H + "{8} " + H + "{8} " + H + "{8}")));
        p.put("kvm_page_fault", Pattern.compile(k == KernelEra.V6_12
                ? "vcpu \\d+ rip 0x" + H + "+ address 0x" + H + "{16} error_code 0x" + H + "+"
                : "address " + H + "+ error_code " + H + "+"));
        p.put("kvm_msr", Pattern.compile("msr_write " + H + "+ = 0x" + H + "+"));
        p.put("kvm_fast_mmio", Pattern.compile("fast mmio at gpa 0x" + H + "+"));
        // the kernel's TP_printk (no libtraceevent plugin handles these)
        p.put("kvm_apic_accept_irq", Pattern.compile("apicid " + H + "+ vec \\d+ \\((Fixed|LowPrio|SMI|NMI|INIT|SIPI|ExtINT)\\|(edge|level)\\)"));
        p.put("kvm_msi_set_irq", Pattern.compile("dst " + H + "+ vec \\d+ \\((Fixed|LowPrio|SMI|NMI|INIT|SIPI|ExtINT)\\|(physical|logical)\\|(edge|level)(\\|rh)?\\)"));
        String wakeupKernel = "comm=.{1,15} pid=\\d+ prio=\\d+ target_cpu=\\d{3}";
        p.put("sched_waking", Pattern.compile(wakeupKernel));
        // libtraceevent's sched plugin prints sched_wakeup as comm:pid [prio] CPU:nnn
        p.put("sched_wakeup", Pattern.compile(plugin ? ".{1,15}:\\d+ \\[\\d+\\] CPU:\\d{3}" : wakeupKernel));
        return p;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("io.smtreplay.synth.SynthRuns#formatsKernelsIsas")
    void everyLineHasTheToolsShapeForThatKernel(TraceFormat f, KernelEra k, Isa isa) {
        Map<String, Integer> seen = new HashMap<>();
        for (Workload w : Workload.values()) {
            checkEveryLine(SynthRuns.run(SynthRuns.spec(w, f, k, isa, 2, w == Workload.IDLE ? 20_000 : 1_500, 11)), seen);
        }
        assertTrue(seen.containsKey("kvm_nested_vmexit_inject"), "reflected exits present");
        assertEquals(isa == Isa.SVM || k == KernelEra.V6_12, seen.containsKey("kvm_nested_vmenter") || seen.containsKey("kvm_nested_vmrun"),
                "only SVM, or any ISA on new kernels, traces L1's nested entry");
        assertEquals(isa == Isa.SVM && k != KernelEra.V6_12, seen.containsKey("kvm_nested_vmrun"));
        assertEquals(isa == Isa.SVM, seen.containsKey("kvm_nested_intercepts"));
    }

    @Test
    void everyLineHasItsShapeWhateverTheSeedAndArguments() {
        java.util.SplittableRandom pick = new java.util.SplittableRandom(2026);
        for (int i = 0; i < 60; i++) {
            TraceFormat f = TraceFormat.values()[pick.nextInt(TraceFormat.values().length)];
            KernelEra k = KernelEra.values()[pick.nextInt(KernelEra.values().length)];
            Isa isa = pick.nextBoolean() ? Isa.VMX : Isa.SVM;
            Workload w = Workload.values()[pick.nextInt(Workload.values().length)];
            SynthSpec spec = new SynthSpec(w, f, k, isa, 1 + pick.nextInt(6), 200_000 + pick.nextInt(2_000_000),
                    pick.nextLong(), null, pick.nextBoolean());
            checkEveryLine(SynthRuns.run(spec), new HashMap<>());
        }
    }

    private static void checkEveryLine(SynthRuns.Run run, Map<String, Integer> seen) {
        TraceFormat f = run.spec().format();
        KernelEra k = run.spec().kernel();
        Map<String, Pattern> payloads = payloads(f, k);
        long lastTs = 0;
        for (String line : run.lines()) {
            if (line.startsWith("#") || line.startsWith("cpus=")) {
                continue;
            }
            Pattern prefix = switch (f) {
                case FTRACE -> k == KernelEra.V6_12 ? FTRACE_NEW : FTRACE_OLD;
                case TRACE_CMD -> TRACE_CMD;
                case PERF_SCRIPT -> PERF;
            };
            Matcher m = prefix.matcher(line);
            if (!m.matches()) {
                fail("prefix of " + run.spec() + ": " + line);
            }
            String tracepoint = m.group(f == TraceFormat.TRACE_CMD ? 5 : 6);
            String payload = m.group(7);
            if (f == TraceFormat.PERF_SCRIPT) {
                // perf right-aligns names to the longest of perf record -e 'kvm:*' (bugzilla 220549: 34 on 6.12)
                assertEquals(k == KernelEra.V6_12 ? 34 : 33, m.group(5).length(), line);
            }
            assertTrue(m.group(1).trim().matches("CPU \\d+/KVM|vhost-\\d+"), line);
            if (f == TraceFormat.TRACE_CMD) {
                // trace-cmd pads "name:" to 21 columns, then one space (plus the leading space of
                // libtraceevent 1.x's kvm_entry text)
                int extra = k == KernelEra.V6_12 && tracepoint.equals("kvm_entry") ? 1 : 0;
                assertEquals(Math.max(1, 22 - (tracepoint.length() + 1)) + extra, m.group(6).length(), line);
                payload = " ".repeat(extra) + payload;
            }
            Pattern expected = payloads.get(tracepoint);
            if (expected == null || !expected.matcher(payload).matches()) {
                fail(tracepoint + " payload of " + run.spec() + ": " + payload);
            }
            seen.merge(tracepoint, 1, Integer::sum);
            long ts = TraceTimestamps.parseSecondsToNanos(m.group(f == TraceFormat.FTRACE ? 5 : 4));
            assertTrue(ts >= lastTs, "timestamps never go back: " + line);
            lastTs = ts;
        }
    }
}
