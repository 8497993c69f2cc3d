package io.smtreplay.ingest.ftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.smtreplay.ingest.parse.CollectingSink;
import io.smtreplay.ingest.parse.TraceFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The capture lab's trace.dat fixture (real kvm_amd under QEMU TCG, kernel 6.1, trace-cmd 3.1.6
 * v7 zstd, 2 CPUs, the nested workload; see manifest.json beside it) with the {@code trace-cmd
 * report} text trace-cmd made from that same file in the lab; and trace-cmd itself for conversions.
 */
final class TraceDatFixture {
    static final String DIR = "/tracedat/svm-nested-k6.1-smp2/";

    private TraceDatFixture() {
    }

    static Path traceDat() {
        try {
            return Path.of(TraceDatFixture.class.getResource(DIR + "trace.dat").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path report() {
        try {
            return Path.of(TraceDatFixture.class.getResource(DIR + "trace-cmd-report.txt.gz").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static CollectingSink read(Path file) throws IOException {
        CollectingSink sink = new CollectingSink();
        sink.summary = TraceFileReader.read(file.toString(), sink);
        return sink;
    }

    /** The fixture rewritten by {@code trace-cmd convert <options>} into {@code dir}. */
    static Path converted(Path dir, String... options) throws IOException, InterruptedException {
        Path copy = dir.resolve("converted.dat");
        List<String> args = new ArrayList<>(List.of("convert"));
        args.addAll(List.of(options));
        args.addAll(List.of("-i", traceDat().toString(), "-o", copy.toString()));
        traceCmd(dir, args.toArray(new String[0]));
        return copy;
    }

    /** Runs trace-cmd; it must exist under CI (the CI image installs it), else the test is skipped loudly. */
    static void traceCmd(Path dir, String... args) throws IOException, InterruptedException {
        Path exe = Path.of("/usr/bin/trace-cmd");
        if (!Files.isExecutable(exe)) {
            if (System.getenv("CI") != null) {
                fail("trace-cmd is not installed (apt-get install trace-cmd)");
            }
            Assumptions.abort("SKIPPED LOUDLY: trace-cmd is not installed (apt-get install trace-cmd)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("trace-cmd.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("trace-cmd " + String.join(" ", args) + " did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), () -> "trace-cmd " + String.join(" ", args) + ": " + log(dir));
    }

    private static String log(Path dir) {
        try (InputStream in = Files.newInputStream(dir.resolve("trace-cmd.log"))) {
            return new String(in.readAllBytes());
        } catch (IOException e) {
            return e.toString();
        }
    }
}
