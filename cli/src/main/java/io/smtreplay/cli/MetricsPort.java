package io.smtreplay.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import picocli.CommandLine;

/**
 * Checks a {@code --metrics-port} before anything starts: Flink's Prometheus reporter only logs a
 * port it cannot bind and the run would go on claiming to serve there.
 */
final class MetricsPort {

    private MetricsPort() {
    }

    /** @throws CommandLine.ParameterException (exit 2) for a port out of range or one another process holds */
    static void requireFree(int port, CommandLine.Model.CommandSpec command) {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--metrics-port " + port + " is not a port (0-65535; 0 picks a free one)");
        }
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--metrics-port " + port + " is in use by another process (choose another, or 0 for a free one)");
        }
    }
}
