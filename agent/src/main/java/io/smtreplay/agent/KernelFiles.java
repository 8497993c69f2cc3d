package io.smtreplay.agent;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads tracefs and procfs files. {@link Files#readAllBytes} trusts the file's reported size and
 * returns 1 byte of tracefs's {@code events/header_page} on kernel 6.18; reading to end of file
 * with a stream gets the whole text.
 */
final class KernelFiles {
    private KernelFiles() {
    }

    static String read(Path file) throws IOException {
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Copies what {@code TracefsFormats.load} reads (events/header_page, header_event and the
     * format files of {@code systems}) into {@code target}, read to end of file, so the ftrace
     * package's loader sees whole files (it reads with {@link Files#readAllBytes}).
     */
    static Path copyFormats(Path tracefs, Set<String> systems, Path target) throws IOException {
        Path events = tracefs.resolve("events");
        Path out = target.resolve("events");
        Files.createDirectories(out);
        for (String header : new String[] {"header_page", "header_event"}) {
            Files.writeString(out.resolve(header), read(events.resolve(header)));
        }
        for (String system : systems) {
            Path dir = events.resolve(system);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> eventDirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path event : eventDirs) {
                    Path format = event.resolve("format");
                    if (Files.isReadable(format)) {
                        Path copy = out.resolve(system).resolve(event.getFileName().toString());
                        Files.createDirectories(copy);
                        Files.writeString(copy.resolve("format"), read(format));
                    }
                }
            }
        }
        return target;
    }
}
