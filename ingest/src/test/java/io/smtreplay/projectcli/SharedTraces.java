package io.smtreplay.projectcli;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The traces in ../shared/traces: tests fail without them under CI and skip only outside it. */
final class SharedTraces {

    private SharedTraces() {
    }

    static Path file(String relative) {
        String shared = System.getenv("SMTREPLAY_SHARED");
        Path file = shared == null ? null : Path.of(shared, "traces", relative);
        if (file == null || !Files.isRegularFile(file)) {
            String why = "shared trace " + relative + " not found (SMTREPLAY_SHARED=" + shared + ")";
            if (System.getenv("CI") != null) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        return file;
    }
}
