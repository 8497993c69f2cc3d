package io.smtreplay.trace;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Exit-reason tables for VMX and SVM in every naming seen in real traces (kernel TP_printk,
 * libtraceevent plugin, 2.6-era lower case), looked up by code or by name. Sources: the uapi
 * headers vmx.h/svm.h and plugin_kvm.c, as transcribed in ../shared/model/kvm-tracepoint-formats.md.
 *
 * <p>Text traces do not print the {@code isa} field, so a name alone may be ambiguous
 * ({@code cpuid}, {@code hypercall} exist in SVM's kernel table and in the 2.6-era VMX table);
 * {@link #byName(String, Isa)} takes the ISA already known for the source as a hint.
 */
public final class ExitReasons {

    /** Exit reasons after which the guest waits: their handling time is idle, not overhead. */
    private static final Map<Isa, java.util.Set<Long>> IDLE_CODES = Map.of(
            Isa.VMX, java.util.Set.of(12L /* HLT */, 36L /* MWAIT */, 67L /* UMWAIT */, 68L /* TPAUSE */),
            Isa.SVM, java.util.Set.of(0x078L /* hlt */, 0x08bL /* mwait */, 0x08cL /* mwait_cond */, 0x0a6L /* idle-halt */));

    private static final Map<Long, String> VMX_KERNEL = new LinkedHashMap<>();
    private static final Map<Long, String> VMX_LEGACY = new LinkedHashMap<>();
    private static final Map<Long, String> SVM_KERNEL = new LinkedHashMap<>();
    private static final Map<Long, String> SVM_PLUGIN = new LinkedHashMap<>();

    /** name (as printed) → reason, per naming; the lower-case maps are case-sensitive on purpose. */
    private static final Map<String, ExitReason> VMX_BY_NAME = new HashMap<>();
    private static final Map<String, ExitReason> SVM_BY_NAME = new HashMap<>();

    static {
        vmx(0, "EXCEPTION_NMI", "exception");
        vmx(1, "EXTERNAL_INTERRUPT", "ext_irq");
        vmx(2, "TRIPLE_FAULT", "triple_fault");
        vmx(3, "INIT_SIGNAL", null);
        vmx(4, "SIPI_SIGNAL", null);
        vmx(7, "PENDING_INTERRUPT", "interrupt_window");
        vmx(8, "NMI_WINDOW", "nmi_window");
        vmx(9, "TASK_SWITCH", "task_switch");
        vmx(10, "CPUID", "cpuid");
        vmx(12, "HLT", "halt");
        vmx(13, "INVD", null);
        vmx(14, "INVLPG", "invlpg");
        vmx(15, "RDPMC", "rdpmc");
        vmx(16, "RDTSC", "rdtsc");
        vmx(18, "VMCALL", "hypercall");
        vmx(19, "VMCLEAR", "vmclear");
        vmx(20, "VMLAUNCH", "vmlaunch");
        vmx(21, "VMPTRLD", "vmptrld");
        vmx(22, "VMPTRST", "vmptrst");
        vmx(23, "VMREAD", "vmread");
        vmx(24, "VMRESUME", "vmresume");
        vmx(25, "VMWRITE", "vmwrite");
        vmx(26, "VMOFF", "vmoff");
        vmx(27, "VMON", "vmon");
        vmx(28, "CR_ACCESS", "cr_access");
        vmx(29, "DR_ACCESS", "dr_access");
        vmx(30, "IO_INSTRUCTION", "io_instruction");
        vmx(31, "MSR_READ", "rdmsr");
        vmx(32, "MSR_WRITE", "wrmsr");
        vmx(33, "INVALID_STATE", null);
        vmx(34, "MSR_LOAD_FAIL", null);
        vmx(36, "MWAIT_INSTRUCTION", "mwait_instruction");
        vmx(37, "MONITOR_TRAP_FLAG", null);
        vmx(39, "MONITOR_INSTRUCTION", "monitor_instruction");
        vmx(40, "PAUSE_INSTRUCTION", "pause_instruction");
        vmx(41, "MCE_DURING_VMENTRY", "mce_during_vmentry");
        vmx(43, "TPR_BELOW_THRESHOLD", "tpr_below_thres");
        vmx(44, "APIC_ACCESS", "apic_access");
        vmx(45, "EOI_INDUCED", null);
        vmx(46, "GDTR_IDTR", null);
        vmx(47, "LDTR_TR", null);
        vmx(48, "EPT_VIOLATION", "ept_violation");
        vmx(49, "EPT_MISCONFIG", "ept_misconfig");
        vmx(50, "INVEPT", null);
        vmx(51, "RDTSCP", null);
        vmx(52, "PREEMPTION_TIMER", null);
        vmx(53, "INVVPID", null);
        vmx(54, "WBINVD", "wbinvd");
        vmx(55, "XSETBV", null);
        vmx(56, "APIC_WRITE", null);
        vmx(57, "RDRAND", null);
        vmx(58, "INVPCID", null);
        vmx(59, "VMFUNC", null);
        vmx(60, "ENCLS", null);
        vmx(61, "RDSEED", null);
        vmx(62, "PML_FULL", null);
        vmx(63, "XSAVES", null);
        vmx(64, "XRSTORS", null);
        vmx(67, "UMWAIT", null);
        vmx(68, "TPAUSE", null);
        vmx(70, "ENCLV", null);
        vmx(71, "SGX_CONFLICT", null);
        vmx(74, "BUS_LOCK", null);
        vmx(75, "NOTIFY", null);
        vmx(76, "SEAMCALL", null);
        vmx(77, "TDCALL", null);
        vmx(84, "MSR_READ_IMM", null);
        vmx(85, "MSR_WRITE_IMM", null);

        String[] crNumbers = {"0", "2", "3", "4", "8"};
        long[] crCodes = {0x000, 0x002, 0x003, 0x004, 0x008};
        for (int i = 0; i < crNumbers.length; i++) {
            svm(crCodes[i], "read_cr" + crNumbers[i], "EXIT_READ_CR" + crNumbers[i]);
            svm(crCodes[i] + 0x10, "write_cr" + crNumbers[i], "EXIT_WRITE_CR" + crNumbers[i]);
        }
        for (int dr = 0; dr < 8; dr++) {
            svm(0x020 + dr, "read_dr" + dr, "EXIT_READ_DR" + dr);
            svm(0x030 + dr, "write_dr" + dr, "EXIT_WRITE_DR" + dr);
        }
        String[][] exceptions = {
            {"0", "DE"}, {"1", "DB"}, {"3", "BP"}, {"4", "OF"}, {"5", "BR"}, {"6", "UD"}, {"7", "NM"},
            {"8", "DF"}, {"10", "TS"}, {"11", "NP"}, {"12", "SS"}, {"13", "GP"}, {"14", "PF"},
            {"16", "MF"}, {"17", "AC"}, {"18", "MC"}, {"19", "XF"}};
        for (String[] exception : exceptions) {
            svm(0x040 + Long.parseLong(exception[0]), exception[1] + " excp", "EXIT_EXCP_" + exception[1]);
        }
        // plugin_kvm's own table only knows the base of the exception range
        SVM_BY_NAME.put("EXIT_EXCP_BASE", known(Isa.SVM, 0x040, "DE excp"));
        svm(0x060, "interrupt", "EXIT_INTR");
        svm(0x061, "nmi", "EXIT_NMI");
        svm(0x062, "smi", "EXIT_SMI");
        svm(0x063, "init", "EXIT_INIT");
        svm(0x064, "vintr", "EXIT_VINTR");
        svm(0x065, "cr0_sel_write", "EXIT_CR0_SEL_WRITE");
        svm(0x066, "read_idtr", "EXIT_IDTR_READ");
        svm(0x067, "read_gdtr", "EXIT_GDTR_READ");
        svm(0x068, "read_ldtr", "EXIT_LDTR_READ");
        svm(0x069, "read_rt", "EXIT_TR_READ");
        svm(0x06a, "write_idtr", "EXIT_IDTR_WRITE");
        svm(0x06b, "write_gdtr", "EXIT_GDTR_WRITE");
        svm(0x06c, "write_ldtr", "EXIT_LDTR_WRITE");
        svm(0x06d, "write_rt", "EXIT_TR_WRITE");
        svm(0x06e, "rdtsc", "EXIT_RDTSC");
        svm(0x06f, "rdpmc", "EXIT_RDPMC");
        svm(0x070, "pushf", "EXIT_PUSHF");
        svm(0x071, "popf", "EXIT_POPF");
        svm(0x072, "cpuid", "EXIT_CPUID");
        svm(0x073, "rsm", "EXIT_RSM");
        svm(0x074, "iret", "EXIT_IRET");
        svm(0x075, "swint", "EXIT_SWINT");
        svm(0x076, "invd", "EXIT_INVD");
        svm(0x077, "pause", "EXIT_PAUSE");
        svm(0x078, "hlt", "EXIT_HLT");
        svm(0x079, "invlpg", "EXIT_INVLPG");
        svm(0x07a, "invlpga", "EXIT_INVLPGA");
        svm(0x07b, "io", "EXIT_IOIO");
        svm(0x07c, "msr", "EXIT_MSR");
        svm(0x07d, "task_switch", "EXIT_TASK_SWITCH");
        svm(0x07e, "ferr_freeze", "EXIT_FERR_FREEZE");
        svm(0x07f, "shutdown", "EXIT_SHUTDOWN");
        svm(0x080, "vmrun", "EXIT_VMRUN");
        svm(0x081, "hypercall", "EXIT_VMMCALL");
        svm(0x082, "vmload", "EXIT_VMLOAD");
        svm(0x083, "vmsave", "EXIT_VMSAVE");
        svm(0x084, "stgi", "EXIT_STGI");
        svm(0x085, "clgi", "EXIT_CLGI");
        svm(0x086, "skinit", "EXIT_SKINIT");
        svm(0x087, "rdtscp", "EXIT_RDTSCP");
        svm(0x088, "icebp", "EXIT_ICEBP");
        svm(0x089, "wbinvd", "EXIT_WBINVD");
        svm(0x08a, "monitor", "EXIT_MONITOR");
        svm(0x08b, "mwait", "EXIT_MWAIT");
        svm(0x08c, "mwait_cond", "EXIT_MWAIT_COND");
        svm(0x08d, "xsetbv", "EXIT_XSETBV");
        svm(0x08e, "rdpru", "EXIT_RDPRU");
        svm(0x08f, "write_efer_trap", "EXIT_EFER_WRITE_TRAP");
        svm(0x090, "write_cr0_trap", "EXIT_CR0_WRITE_TRAP");
        svm(0x094, "write_cr4_trap", "EXIT_CR4_WRITE_TRAP");
        svm(0x098, "write_cr8_trap", "EXIT_CR8_WRITE_TRAP");
        svm(0x0a2, "invpcid", "EXIT_INVPCID");
        svm(0x0a6, "idle-halt", "EXIT_IDLE_HLT");
        svm(0x400, "npf", "EXIT_NPF");
        svm(0x401, "avic_incomplete_ipi", "EXIT_AVIC_INCOMPLETE_IPI");
        svm(0x402, "avic_unaccelerated_access", "EXIT_AVIC_UNACCELERATED_ACCESS");
        svm(0x403, "vmgexit", "EXIT_VMGEXIT");
        svm(0x407, "pml_full", "EXIT_PML_FULL");
        svm(0x8000_0001L, "vmgexit_mmio_read", "EXIT_VMGEXIT_MMIO_READ");
        svm(0x8000_0002L, "vmgexit_mmio_write", "EXIT_VMGEXIT_MMIO_WRITE");
        svm(0x8000_0003L, "vmgexit_nmi_complete", "EXIT_VMGEXIT_NMI_COMPLETE");
        svm(0x8000_0004L, "vmgexit_ap_hlt_loop", "EXIT_VMGEXIT_AP_HLT_LOOP");
        svm(0x8000_0005L, "vmgexit_ap_jump_table", "EXIT_VMGEXIT_AP_JUMP_TABLE");
        svm(0xffff_ffffL, "invalid_guest_state", "EXIT_ERR");
    }

    private ExitReasons() {
    }

    private static ExitReason known(Isa isa, long code, String canonicalName) {
        return new ExitReason(isa, code, canonicalName, 0, true);
    }

    private static void vmx(long code, String kernelName, String legacyName) {
        VMX_KERNEL.put(code, kernelName);
        ExitReason reason = known(Isa.VMX, code, kernelName);
        VMX_BY_NAME.put(kernelName, reason);
        if (legacyName != null) {
            VMX_LEGACY.put(code, legacyName);
            VMX_BY_NAME.putIfAbsent(legacyName, reason);
        }
    }

    private static void svm(long code, String kernelName, String pluginName) {
        SVM_KERNEL.put(code, kernelName);
        SVM_PLUGIN.put(code, pluginName);
        ExitReason reason = known(Isa.SVM, code, kernelName);
        SVM_BY_NAME.put(kernelName, reason);
        SVM_BY_NAME.put(pluginName, reason);
    }

    /**
     * The reason for a raw {@code exit_reason} value. For VMX the upper bits are flags
     * (FAILED_VMENTRY, FROM_ENCLAVE) and the basic reason is the low 16 bits.
     */
    public static ExitReason byCode(Isa isa, long rawExitReason) {
        if (isa == Isa.VMX) {
            long basic = rawExitReason & 0xffff;
            long flags = rawExitReason & ~0xffffL & 0xffff_ffffL;
            String name = VMX_KERNEL.get(basic);
            ExitReason reason = name == null ? ExitReason.unknown(isa, basic) : known(isa, basic, name);
            return flags == 0 ? reason : reason.withFlags(flags);
        }
        if (isa == Isa.SVM) {
            long code = rawExitReason & 0xffff_ffffL;
            String name = SVM_KERNEL.get(code);
            return name == null ? ExitReason.unknown(isa, code) : known(isa, code, name);
        }
        return ExitReason.unknown(isa, rawExitReason);
    }

    /**
     * The reason printed as {@code name} in any naming. {@code isaHint} is the ISA already known
     * for the source ({@link Isa#UNKNOWN} if none); it decides names both ISAs print.
     * A bare number ({@code 0x4a} or {@code 74}, the kernel's fallback for codes it has no name
     * for) resolves to that code under the hinted ISA. Empty if the name is in no table.
     */
    public static Optional<ExitReason> byName(String name, Isa isaHint) {
        ExitReason vmx = VMX_BY_NAME.get(name);
        ExitReason svm = SVM_BY_NAME.get(name);
        if (vmx != null && svm != null) {
            return Optional.of(isaHint == Isa.VMX ? vmx : svm);
        }
        if (vmx != null) {
            return Optional.of(vmx);
        }
        if (svm != null) {
            return Optional.of(svm);
        }
        Long code = parseNumber(name);
        if (code != null) {
            return Optional.of(isaHint == Isa.UNKNOWN ? ExitReason.unknown(isaHint, code) : byCode(isaHint, code));
        }
        return Optional.empty();
    }

    /**
     * The ISA a reason name belongs to, or {@link Isa#UNKNOWN} when the name exists in both
     * ISAs' tables (e.g. {@code cpuid}) or in none.
     */
    public static Isa isaOfName(String name) {
        boolean vmx = VMX_BY_NAME.containsKey(name);
        boolean svm = SVM_BY_NAME.containsKey(name);
        if (vmx == svm) {
            return Isa.UNKNOWN;
        }
        return vmx ? Isa.VMX : Isa.SVM;
    }

    /** The name a tool prints for this reason (for the synthesizer and for reports). */
    public static String printedName(ExitReason reason, ExitReasonNaming naming) {
        Map<Long, String> table = switch (reason.isa()) {
            case VMX -> naming == ExitReasonNaming.LEGACY_LOWERCASE ? VMX_LEGACY : VMX_KERNEL;
            case SVM -> naming == ExitReasonNaming.TRACEEVENT_PLUGIN ? SVM_PLUGIN : SVM_KERNEL;
            case UNKNOWN -> Map.of();
        };
        String name = table.get(reason.code());
        if (name != null) {
            return name;
        }
        // what each tool prints for a code it has no name for
        return naming == ExitReasonNaming.TRACEEVENT_PLUGIN
                ? "UNKNOWN (" + reason.code() + ")"
                : "0x" + Long.toHexString(reason.code());
    }

    /** Exits in which the guest waits (HLT, MWAIT, …): time until the next entry is idle time. */
    public static boolean isIdle(ExitReason reason) {
        return IDLE_CODES.getOrDefault(reason.isa(), java.util.Set.of()).contains(reason.code());
    }

    /**
     * L1's instructions that ask L0 to run L2: VMLAUNCH/VMRESUME (VMX) and VMRUN (SVM). On kernels
     * without {@code kvm_nested_vmenter} the trap of one of these, followed by an entry, is the
     * only sign that L2 runs again.
     */
    public static boolean isNestedEntryInstruction(ExitReason reason) {
        return switch (reason.isa()) {
            case VMX -> reason.code() == 20 || reason.code() == 24;
            case SVM -> reason.code() == 0x080;
            case UNKNOWN -> false;
        };
    }

    /** Codes of an ISA's kernel table, in code order: for reports and tests. */
    public static Map<Long, String> kernelTable(Isa isa) {
        return Collections.unmodifiableMap(isa == Isa.VMX ? VMX_KERNEL : isa == Isa.SVM ? SVM_KERNEL : Map.of());
    }

    private static Long parseNumber(String text) {
        try {
            String t = text.toLowerCase(Locale.ROOT);
            if (t.startsWith("0x")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(t);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }
}
