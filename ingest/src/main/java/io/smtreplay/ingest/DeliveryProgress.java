package io.smtreplay.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How many records of one input file an ingest has committed to one destination, kept in a small
 * file so that a run stopped by a delivery failure (a broker down longer than the delivery
 * timeout, the process killed) can be re-run and send only the rest. The input is identified by
 * its absolute path, size and modification time and the destination by its brokers, topics and
 * labels: a changed file, or the same file sent elsewhere, starts from the beginning. The file is
 * deleted once the input is delivered whole.
 */
public final class DeliveryProgress {

    private final Path file;
    private final String id;

    private DeliveryProgress(Path file, String id) {
        this.file = file;
        this.id = id;
    }

    /**
     * The progress of {@code input} towards {@code destination} (any text naming brokers, topics
     * and labels), kept in {@code dir}.
     */
    public static DeliveryProgress of(Path dir, Path input, String destination) throws IOException {
        String identity = input.toAbsolutePath().normalize() + "\n" + Files.size(input) + "\n"
                + Files.getLastModifiedTime(input).toMillis() + "\n" + destination;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            String id = HexFormat.of().formatHex(digest, 0, 12);
            return new DeliveryProgress(dir.resolve(id + ".progress"), id);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Names this input and destination: the same for every run that sends the same file to the same place. */
    public String id() {
        return id;
    }

    public Path file() {
        return file;
    }

    /** Records an earlier run committed (0 when none did). */
    public long committed() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("progress file " + file + " is damaged ('" + text + "'); delete it to send the file again from its start");
        }
    }

    /** Notes that the file's first {@code records} records are committed. */
    public void record(long records) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, records + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the progress file " + file, e);
        }
    }

    /** The whole input is delivered: nothing to resume. */
    public void complete() throws IOException {
        Files.deleteIfExists(file);
    }
}
