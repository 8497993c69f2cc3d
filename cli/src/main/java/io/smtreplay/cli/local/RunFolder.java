package io.smtreplay.cli.local;

import io.smtreplay.kafka.local.InProcessKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import io.smtreplay.replay.LocalClusterFiles;
import org.apache.flink.configuration.Configuration;

/**
 * One temporary folder for everything a local run or replay writes: Flink's temporary
 * directories (the RPC system's extracted jar, {@code minicluster_*} working folders, blobs), its
 * checkpoints and its web-upload folder, and the in-process broker's data. It owns what writes
 * there ({@link #own}): {@link #close()} stops those first, newest first, and only then deletes
 * the folder (a MiniCluster writes while it stops). A shutdown hook does the same for a JVM
 * ended by SIGTERM or Ctrl-C, so no exit leaves anything in the system's temporary folder.
 */
public final class RunFolder implements AutoCloseable {

    private final Path dir;
    private final Thread closeOnExit;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private boolean closed;

    private RunFolder(Path dir) {
        this.dir = dir;
        this.closeOnExit = new Thread(this::closeQuietly, "smtreplay-close-" + dir.getFileName());
        Runtime.getRuntime().addShutdownHook(closeOnExit);
    }

    public static RunFolder create(String prefix) throws IOException {
        return new RunFolder(Files.createTempDirectory(prefix));
    }

    public Path path() {
        return dir;
    }

    /** Takes {@code resource} (a broker, a cluster writing here) to close before the folder is deleted. */
    public synchronized <T extends AutoCloseable> T own(T resource) throws Exception {
        if (closed) {
            // the JVM is stopping and the folder is gone: what started meanwhile stops at once
            resource.close();
            throw new IllegalStateException("stopping: " + dir + " is closed");
        }
        owned.push(resource);
        return resource;
    }

    /** Flink's options that put its files here ({@link LocalClusterFiles}). */
    public Configuration flinkConfiguration() {
        return LocalClusterFiles.in(dir);
    }

    /**
     * Closes what it owns, newest first, then deletes the folder; the first failure to close is
     * thrown after the folder is deleted. Synchronized: the shutdown hook and the command closing
     * at once both find the folder gone only after everything in it stopped.
     */
    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        Exception failed = null;
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        InProcessKafka.deleteTree(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(closeOnExit);
        } catch (IllegalStateException shuttingDown) {
            // we are that hook, or it runs anyway and finds the folder closed
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** The shutdown hook: the JVM is ending, a failure to close has no one left to tell. */
    private void closeQuietly() {
        try {
            close();
        } catch (Exception ignored) {
            // the folder is deleted regardless
        }
    }
}
