package io.smtreplay.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's private ftrace instance ({@code instances/<name>}): its own ring buffers, so the
 * host's global tracing settings are never touched, and removing the directory undoes everything.
 * The instance uses the {@code mono} clock (CLOCK_MONOTONIC, the clock of {@link System#nanoTime}),
 * so readers can tell how far an idle CPU's stream is complete, and {@code buffer_percent 0}, so a
 * blocked read returns as soon as a CPU has any data.
 */
public final class TracefsInstance implements AutoCloseable {

    /**
     * The tracepoints the episode model and the critical path use, enabled when the running kernel
     * has them: exits and entries (vmx/svm), the nested transitions, userspace exits and the PIO/MMIO
     * that cause them, and the interrupt/IPI/wake-up events that put a vCPU on another's path.
     */
    public static final List<String> MODEL_EVENTS = List.of(
            "kvm:kvm_exit", "kvm:kvm_entry", "kvm:kvm_nested_vmexit", "kvm:kvm_nested_vmexit_inject",
            "kvm:kvm_nested_vmenter", "kvm:kvm_nested_vmrun", "kvm:kvm_nested_vmenter_failed",
            "kvm:kvm_nested_intr_vmexit", "kvm:kvm_nested_intercepts", "kvm:kvm_userspace_exit",
            "kvm:kvm_pio", "kvm:kvm_mmio", "kvm:kvm_apic_ipi", "kvm:kvm_inj_virq", "kvm:kvm_vcpu_wakeup",
            "kvm:kvm_apic_accept_irq", "kvm:kvm_msi_set_irq", "sched:sched_waking");

    /**
     * Kernel filters of the events that would otherwise record the whole host: {@code sched_waking}
     * only when the woken task is a vCPU thread (QEMU names them {@code CPU n/KVM}) or one of L0's
     * backends the model follows (vhost workers, QEMU's main loop and I/O threads). That is every
     * wake-up the projection uses: a halted vCPU's waker, and the vCPU whose exit rang a backend's
     * doorbell. {@code sched_waking} is traced in the waker's context, so {@code sched_wakeup} is not
     * needed (kernels before 4.3 lack it: there nothing is recorded and waits stay unexplained).
     */
    public static final Map<String, String> EVENT_FILTERS = Map.of("sched:sched_waking",
            "comm ~ \"CPU */KVM\" || comm ~ \"vhost-*\" || comm ~ \"qemu-system-*\" || comm ~ \"IO *\"");

    private final Path tracefs;
    private final Path dir;
    private final List<String> enabled;
    private final int cpus;
    private boolean removed;

    private TracefsInstance(Path tracefs, Path dir, List<String> enabled, int cpus) {
        this.tracefs = tracefs;
        this.dir = dir;
        this.enabled = enabled;
        this.cpus = cpus;
    }

    /**
     * Creates {@code instances/<name>} under {@code tracefs}, sizes each CPU's buffer, enables the
     * wanted events the kernel has, and turns tracing on.
     *
     * @param wanted events as {@code system:name}; those the kernel lacks are skipped (see {@link #enabledEvents})
     * @throws AgentException one line: tracefs missing or read-only, the instance exists, no wanted event exists
     */
    public static TracefsInstance create(Path tracefs, String name, int bufferKbPerCpu, List<String> wanted)
            throws AgentException {
        if (!Files.isRegularFile(tracefs.resolve("available_events"))) {
            throw new AgentException("tracefs is not mounted at " + tracefs
                    + " (mount -t tracefs nodev " + tracefs + ")");
        }
        Set<String> available;
        try {
            available = new LinkedHashSet<>(KernelFiles.read(tracefs.resolve("available_events")).lines().toList());
        } catch (IOException e) {
            throw new AgentException("cannot read " + tracefs.resolve("available_events") + ": " + reason(e));
        }
        List<String> present = new ArrayList<>();
        for (String event : wanted) {
            if (available.contains(event)) {
                present.add(event);
            }
        }
        if (present.isEmpty()) {
            throw new AgentException("none of the events " + wanted + " exists on this kernel (is the kvm module loaded?)");
        }
        Path dir = tracefs.resolve("instances").resolve(name);
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new AgentException("the tracefs instance " + dir + " already exists (another agent running? "
                    + "remove it with: rmdir " + dir + ")");
        } catch (IOException e) {
            throw new AgentException("cannot create the tracefs instance " + dir + ": " + reason(e));
        }
        int cpus = countCpus(dir);
        TracefsInstance instance = new TracefsInstance(tracefs, dir, present, cpus);
        try {
            instance.write("tracing_on", "0");
            instance.write("trace_clock", "mono");
            instance.write("buffer_percent", "0");
            instance.write("buffer_size_kb", Integer.toString(bufferKbPerCpu));
            for (String event : present) {
                String filter = EVENT_FILTERS.get(event);
                if (filter != null) {
                    instance.write("events/" + event.replace(':', '/') + "/filter", filter);
                }
                instance.write("events/" + event.replace(':', '/') + "/enable", "1");
            }
            instance.write("tracing_on", "1");
        } catch (IOException e) {
            instance.close();
            throw new AgentException("cannot configure the tracefs instance " + dir + ": " + reason(e));
        }
        return instance;
    }

    private static int countCpus(Path dir) throws AgentException {
        try (var list = Files.list(dir.resolve("per_cpu"))) {
            return (int) list.filter(p -> p.getFileName().toString().matches("cpu\\d+")).count();
        } catch (IOException e) {
            throw new AgentException("cannot list " + dir.resolve("per_cpu") + ": " + reason(e));
        }
    }

    /** A one-line reason for a tracefs I/O failure: read-only, no permission, missing. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (the agent needs uid 0; see README, least privilege)";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file " + e.getMessage();
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.contains("Read-only file system") ? "tracefs is mounted read-only" : m;
    }

    public Path tracefs() {
        return tracefs;
    }

    public Path dir() {
        return dir;
    }

    public int cpus() {
        return cpus;
    }

    /** The wanted events this kernel has, as enabled. */
    public List<String> enabledEvents() {
        return enabled;
    }

    public Path rawPipe(int cpu) {
        return dir.resolve("per_cpu/cpu" + cpu + "/trace_pipe_raw");
    }

    /** The kernel's count of events overwritten (lost) on {@code cpu} since the instance was made. */
    public CpuStats stats(int cpu) throws IOException {
        return CpuStats.parse(KernelFiles.read(dir.resolve("per_cpu/cpu" + cpu + "/stats")));
    }

    /** Stops the kernel from writing more events (readers then drain what is left). */
    public void stopTracing() throws IOException {
        write("tracing_on", "0");
    }

    private void write(String file, String value) throws IOException {
        Files.writeString(dir.resolve(file), value, StandardCharsets.US_ASCII);
    }

    /** Turns tracing off, disables the events and removes the instance; safe to call twice. */
    @Override
    public synchronized void close() {
        if (removed) {
            return;
        }
        removed = true;
        try {
            write("tracing_on", "0");
            for (String event : enabled) {
                write("events/" + event.replace(':', '/') + "/enable", "0");
            }
        } catch (IOException ignored) {
            // rmdir below removes the events with the instance; its failure is what counts
        }
        try {
            Files.delete(dir);
        } catch (IOException e) {
            // an instance with an open reader cannot be removed: retry once the readers are closed
            removed = false;
            throw new IllegalStateException("cannot remove the tracefs instance " + dir + ": " + reason(e), e);
        }
    }

    /** {@code per_cpu/cpuN/stats}: what the kernel counts for one CPU's buffer. */
    public record CpuStats(long entries, long overrun, long commitOverrun, long droppedEvents, long readEvents) {
        static CpuStats parse(String text) {
            long entries = 0, overrun = 0, commitOverrun = 0, dropped = 0, read = 0;
            for (String line : text.split("\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                switch (key) {
                    case "entries" -> entries = Long.parseLong(value);
                    case "overrun" -> overrun = Long.parseLong(value);
                    case "commit overrun" -> commitOverrun = Long.parseLong(value);
                    case "dropped events" -> dropped = Long.parseLong(value);
                    case "read events" -> read = Long.parseLong(value);
                    default -> { }
                }
            }
            return new CpuStats(entries, overrun, commitOverrun, dropped, read);
        }

        /** Events the kernel lost on this CPU: overwritten, dropped, or lost while committing. */
        public long lost() {
            return overrun + commitOverrun + droppedEvents;
        }
    }
}
