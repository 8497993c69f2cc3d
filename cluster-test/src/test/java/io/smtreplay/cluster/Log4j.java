package io.smtreplay.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A log4j2 configuration that sends a child process's log (info and up) to one file. */
final class Log4j {

    private Log4j() {
    }

    static Path file(Path dir, String logFile) throws IOException {
        Path config = dir.resolve("log4j2-" + logFile + ".properties");
        Files.writeString(config, String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + dir.resolve(logFile),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                ""));
        return config;
    }
}
