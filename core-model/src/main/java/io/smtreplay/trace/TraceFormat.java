package io.smtreplay.trace;

/** The text formats KVM traces come in; parsers detect them per file, the synthesizer writes them. */
public enum TraceFormat {
    /** Raw ftrace: tracefs {@code trace} (with or without its {@code #} header) or {@code trace_pipe}; kernel TP_printk text. */
    FTRACE("ftrace"),
    /** {@code trace-cmd report}: libtraceevent's plugin_kvm text for some events, padded event names. */
    TRACE_CMD("trace-cmd"),
    /**
     * {@code perf script}: {@code kvm:} system prefix, right-aligned event names; the payload is
     * plugin_kvm text when perf was built with libtraceevent's plugins, the kernel's TP_printk
     * text otherwise (Debian's linux-perf, as the capture lab shows).
     */
    PERF_SCRIPT("perf");

    private final String cliName;

    TraceFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on command lines ({@code --format trace-cmd}). */
    public String cliName() {
        return cliName;
    }

    public static TraceFormat ofCliName(String name) {
        for (TraceFormat f : values()) {
            if (f.cliName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown trace format '" + name + "' (ftrace, trace-cmd, perf)");
    }
}
