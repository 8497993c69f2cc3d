package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the real tracefs: the agent's instance records the interrupt events and {@code sched_waking}
 * through its kernel filter, so a wake-up of a backend-named task is kept and one of any other
 * host task is not (the whole host's scheduler is not recorded).
 */
class SchedWakingFilterTest {

    @Test
    void onlyWakeUpsOfVcpuAndBackendThreadsAreRecorded(@TempDir Path dir) throws Exception {
        try (LiveKernel kernel = LiveKernel.require()) {
            String name = LiveKernel.instanceName();
            // a task whose comm is a vhost worker's, and one that is not: both sleep, a timer wakes them
            Path vhost = dir.resolve("vhost-smtreplay");
            Files.copy(Path.of("/bin/sleep"), vhost);
            vhost.toFile().setExecutable(true);
            try (TracefsInstance instance = TracefsInstance.create(LiveKernel.TRACEFS, name, 256, TracefsInstance.MODEL_EVENTS)) {
                assertTrue(instance.enabledEvents().containsAll(java.util.List.of("kvm:kvm_apic_accept_irq",
                        "kvm:kvm_msi_set_irq", "sched:sched_waking")), instance.enabledEvents().toString());
                Path events = instance.dir().resolve("events/sched/sched_waking");
                assertEquals(TracefsInstance.EVENT_FILTERS.get("sched:sched_waking"), KernelFiles.read(events.resolve("filter")).strip());
                assertEquals("1", KernelFiles.read(events.resolve("enable")).strip());
                for (String exe : new String[] {vhost.toString(), "/bin/sleep"}) {
                    Process p = new ProcessBuilder(exe, "0.05").start();
                    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                }
                String trace = KernelFiles.read(instance.dir().resolve("trace"));
                assertTrue(trace.contains("sched_waking: comm=vhost-smtreplay pid="), "the backend-named task's wake-up is kept");
                assertFalse(trace.contains("sched_waking: comm=sleep "), "another task's wake-up is filtered out in the kernel");
            } finally {
                LiveKernel.removeInstance(name);
            }
        }
    }
}
