package io.smtreplay.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key under which an ingest keeps the delivery progress of one input to one destination in the
 * progress topic ({@link io.smtreplay.kafka.TransactionalSender}). The input is identified by its
 * absolute path, size and modification time and the destination by its brokers, topics and labels:
 * a changed file, or the same file sent elsewhere, starts from the beginning; the same file sent
 * again to the same place sends only what no earlier run committed.
 */
public final class ProgressKey {

    private ProgressKey() {
    }

    /** {@code ingest/<hash>} of {@code input} towards {@code destination} (any text naming brokers, topics and labels). */
    public static String of(Path input, String destination) throws IOException {
        String identity = input.toAbsolutePath().normalize() + "\n" + Files.size(input) + "\n"
                + Files.getLastModifiedTime(input).toMillis() + "\n" + destination;
        return "ingest/" + hash(identity);
    }

    private static String hash(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
