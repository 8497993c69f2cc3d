package io.smtreplay.ingest.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Standard input, refused when it is closed. A program started with fd 0 closed
 * ({@code stat - <&-}) finds there whatever file the JVM opened first, the JVM's own
 * {@code lib/modules}: reading it as a trace would be reading a random file. On Linux fd 0 is
 * checked through {@code /proc/self/fd/0}.
 */
final class StandardInput {
    private StandardInput() {
    }

    static InputStream open() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (Files.isDirectory(fds)) {
            Path fd0 = fds.resolve("0");
            if (!Files.exists(fd0, java.nio.file.LinkOption.NOFOLLOW_LINKS) || isJvmOwnFile(fd0)) {
                throw new IOException("standard input is closed");
            }
        }
        return System.in;
    }

    private static boolean isJvmOwnFile(Path fd0) {
        try {
            Path target = Files.readSymbolicLink(fd0);
            Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
            return target.isAbsolute() && target.startsWith(javaHome);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
