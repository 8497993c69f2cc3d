package io.smtreplay.synth;

/**
 * The three generations of KVM's x86 tracepoint print formats the synthesizer writes, named by a
 * kernel release of each (../shared/model/kvm-tracepoint-formats.md): what changed between them is
 * what parsers must cope with, so each era is a set of format facts rather than a version number.
 */
public enum KernelEra {
    /** v4.18 (the paper's kernel): {@code kvm_entry: vcpu %u}, {@code kvm_exit: reason %s rip 0x%lx info %llx %llx},
     *  the separate old {@code kvm_nested_vmexit} ({@code rip: ... reason: ...}), SVM's {@code kvm_nested_vmrun}. */
    V4_18("4.18", false, false, false, false, false),
    /** v5.10: kvm_entry gains the RIP, kvm_exit and kvm_nested_vmexit share the vcpu/info1/info2/intr_info/error_code
     *  format, kvm_nested_intercepts prints three intercept words; SVM still traces {@code kvm_nested_vmrun}. */
    V5_10("5.10", true, true, true, false, false),
    /** v6.12: {@code kvm_nested_vmenter} for VMX and SVM, the new kvm_page_fault, 5-character ftrace flags, 7-wide pids. */
    V6_12("6.12", true, true, true, true, true);

    private final String cliName;
    private final boolean entryHasRip;
    private final boolean commonExitFormat;
    private final boolean interceptWords;
    private final boolean nestedVmenter;
    private final boolean wideFtraceColumns;

    KernelEra(String cliName, boolean entryHasRip, boolean commonExitFormat, boolean interceptWords,
              boolean nestedVmenter, boolean wideFtraceColumns) {
        this.cliName = cliName;
        this.entryHasRip = entryHasRip;
        this.commonExitFormat = commonExitFormat;
        this.interceptWords = interceptWords;
        this.nestedVmenter = nestedVmenter;
        this.wideFtraceColumns = wideFtraceColumns;
    }

    public String cliName() {
        return cliName;
    }

    /** {@code kvm_entry: vcpu %u, rip 0x%lx} (v5.10+) rather than {@code vcpu %u}. */
    public boolean entryHasRip() {
        return entryHasRip;
    }

    /**
     * kvm_exit prints {@code vcpu %u reason %s rip 0x%lx info1 0x%016llx info2 ... intr_info ... error_code ...}
     * and kvm_nested_vmexit uses the same definition (v5.10+). Through libtraceevent's old plugin this is
     * what makes kvm_nested_vmexit print {@code CAN'T FIND FIELD "rip"}: the fields it reads are gone.
     */
    public boolean commonExitFormat() {
        return commonExitFormat;
    }

    /** kvm_nested_intercepts prints {@code intercepts: %08x %08x %08x} rather than one 64-bit {@code intercept:}. */
    public boolean interceptWords() {
        return interceptWords;
    }

    /** L1's nested entry is traced as {@code kvm_nested_vmenter} for VMX and SVM; before, only SVM traced {@code kvm_nested_vmrun}. */
    public boolean nestedVmenter() {
        return nestedVmenter;
    }

    /** ftrace's 5-character flags column (migrate-disable) and 7-wide pid; the new kvm_page_fault format. */
    public boolean wideFtraceColumns() {
        return wideFtraceColumns;
    }

    public static KernelEra ofCliName(String name) {
        for (KernelEra era : values()) {
            if (era.cliName.equals(name)) {
                return era;
            }
        }
        throw new IllegalArgumentException("unknown kernel '" + name + "' (4.18, 5.10, 6.12)");
    }
}
