package io.smtreplay.agent;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kernel these tests run on: tracefs (mounted here when it is not, and unmounted again)
 * and /dev/kvm, plus the tiny PIO guest compiled with gcc. Outside CI a missing piece skips the
 * test loudly; under CI (env CI set) it fails, because CI machines have both.
 */
final class LiveKernel implements AutoCloseable {
    static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    private final Path work;
    private final Path guest;
    private final boolean mountedHere;

    private LiveKernel(Path work, Path guest, boolean mountedHere) {
        this.work = work;
        this.guest = guest;
        this.mountedHere = mountedHere;
    }

    static LiveKernel require() throws IOException, InterruptedException {
        require(Files.exists(Path.of("/dev/kvm")), "/dev/kvm is absent");
        boolean mounted = false;
        if (!Files.isRegularFile(TRACEFS.resolve("available_events"))) {
            mounted = run(List.of("mount", "-t", "tracefs", "nodev", TRACEFS.toString())) == 0;
            require(mounted, "tracefs is not mounted at " + TRACEFS + " and mounting it failed");
        }
        require(Files.readString(TRACEFS.resolve("available_events")).contains("kvm:kvm_pio"),
                "the kvm module's tracepoints are absent (kvm:kvm_pio)");
        Path work = Files.createTempDirectory("smtreplay-agent-test-");
        Path guest = work.resolve("pio_guest");
        Path source = Path.of("src/test/c/pio_guest.c").toAbsolutePath();
        int rc = run(List.of("gcc", "-O2", "-o", guest.toString(), source.toString()));
        require(rc == 0, "gcc could not build " + source);
        return new LiveKernel(work, guest, mounted);
    }

    /** A tool a live test needs (as /dev/kvm and tracefs: skipped loudly outside CI, failed under CI). */
    static void requireTool(Path tool, String what) {
        require(Files.isExecutable(tool), what);
    }

    private static void require(boolean ok, String what) {
        if (!ok && System.getenv("CI") != null) {
            throw new AssertionError("live kernel test under CI: " + what);
        }
        if (!ok) {
            System.err.println("SKIPPED live kernel test: " + what);
        }
        assumeTrue(ok, what);
    }

    Path work() {
        return work;
    }

    /**
     * Runs the guest for exactly {@code exits} PIO exits and keeps its process 5 s more (so the
     * agent labels its thread from /proc as it would a long-lived VM's); returns the vCPU thread's id.
     */
    int runGuest(long exits) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(guest.toString(), Long.toString(exits), "5000").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("pio_guest failed: " + output);
        }
        return Integer.parseInt(output.replaceAll("(?s).*tid=(\\d+).*", "$1"));
    }

    static String instanceName() {
        return "smtreplay-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    /** Removes an instance a failed test left behind (its readers are gone once the agent returned). */
    static void removeInstance(String name) {
        Path dir = TRACEFS.resolve("instances").resolve(name);
        if (Files.isDirectory(dir)) {
            try {
                Files.writeString(dir.resolve("tracing_on"), "0");
                Files.delete(dir);
            } catch (IOException e) {
                System.err.println("could not remove " + dir + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(work)) {
            walk.forEach(files::add);
        }
        for (int i = files.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(files.get(i));
        }
        if (mountedHere) {
            run(List.of("umount", TRACEFS.toString()));
        }
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        return p.waitFor();
    }
}
