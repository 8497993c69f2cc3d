package io.smtreplay.ingest.ftrace;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The formats of the running kernel, read from tracefs ({@code /sys/kernel/tracing} or an
 * instance's parent): {@code events/header_page}, {@code events/header_event} and
 * {@code events/<system>/<event>/format} of the systems asked for. The byte order is this machine's.
 */
public final class TracefsFormats {

    private TracefsFormats() {
    }

    /** Every system's formats. */
    public static EventFormats load(Path tracefs) throws IOException {
        return load(tracefs, null);
    }

    /** The formats of {@code systems} only (null: all); the ring-buffer layout always. */
    public static EventFormats load(Path tracefs, Set<String> systems) throws IOException {
        Path events = tracefs.resolve("events");
        RingBufferLayout layout = RingBufferLayout.parse(read(events.resolve("header_page")),
                read(events.resolve("header_event")), ByteOrder.nativeOrder());
        List<EventFormat> formats = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(events, Files::isDirectory)) {
            for (Path system : dirs) {
                String name = system.getFileName().toString();
                if (systems != null && !systems.contains(name)) {
                    continue;
                }
                try (DirectoryStream<Path> eventDirs = Files.newDirectoryStream(system, Files::isDirectory)) {
                    for (Path event : eventDirs) {
                        Path format = event.resolve("format");
                        if (Files.isReadable(format)) {
                            formats.add(EventFormat.parse(name, read(format)));
                        }
                    }
                }
            }
        }
        return new EventFormats(layout, formats);
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
