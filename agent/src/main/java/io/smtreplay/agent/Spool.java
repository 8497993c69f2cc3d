package io.smtreplay.agent;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The agent's write-ahead log between the ring buffers and Kafka: every record is appended here
 * first, sent from here, and forgotten only after Kafka acknowledged it ({@link #commit}). Records
 * are numbered from 0 for the spool's life; segment files {@code <first record>.spool} hold
 * {@code [int length][int crc32][byte topic][long timestampNs][short keyLength][key][value]}; the
 * file {@code committed} holds the number of records acknowledged. After a crash the spool resumes
 * from {@code committed}: a torn last record (bad length or CRC) ends the log there. The file
 * {@code id}, random at the spool's creation, names this numbering: a position Kafka's progress
 * topic holds for another id (a spool deleted and made again) is not one of this spool's.
 *
 * <p>Bounded: while the unacknowledged bytes reach {@code maxBytes}, {@link #append} waits. The
 * merger then stops taking pages, the readers stop reading, and the kernel overwrites its oldest
 * events, which the agent reports per CPU as lost (page flags, {@code stats overrun}): at the bound
 * events are lost, counted, never silently.
 */
final class Spool implements AutoCloseable {
    static final int TOPIC_EVENTS = 0;
    static final int TOPIC_REJECTS = 1;
    private static final long MAX_SEGMENT_BYTES = 64L << 20;
    private static final String SUFFIX = ".spool";

    private final Path dir;
    private final long maxBytes;
    /** Segments are at most a quarter of the bound: acknowledged segments are deleted whole, so disk stays under 1.25 × the bound. */
    private final long segmentBytesMax;
    private final AgentMetrics metrics;
    private DataOutputStream out;
    private long segmentBytes;
    private long appended;           // records appended (writer thread)
    private volatile long written;   // records appended and flushed to the OS
    private volatile long committed;
    private long unackedBytes;       // guarded by this
    private final List<long[]> segments = new ArrayList<>(); // {first record, bytes}, guarded by this
    private final String id;

    Spool(Path dir, long maxBytes, AgentMetrics metrics) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytesMax = Math.max(64 << 10, Math.min(MAX_SEGMENT_BYTES, maxBytes / 4));
        this.metrics = metrics;
        Files.createDirectories(dir);
        Path idFile = dir.resolve("id");
        if (!Files.exists(idFile)) {
            Path tmp = dir.resolve("id.tmp");
            Files.writeString(tmp, java.util.UUID.randomUUID().toString());
            Files.move(tmp, idFile, StandardCopyOption.ATOMIC_MOVE);
        }
        id = Files.readString(idFile).trim();
        Path c = dir.resolve("committed");
        committed = Files.exists(c) ? Long.parseLong(Files.readString(c).trim()) : 0;
        recover();
    }

    /** Finds the records a previous run left (from {@code committed} to the last whole record). */
    private void recover() throws IOException {
        List<Long> firsts = new ArrayList<>();
        try (var list = Files.list(dir)) {
            list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                    .forEach(n -> firsts.add(Long.parseLong(n.substring(0, n.length() - SUFFIX.length()))));
        }
        firsts.sort(null);
        long end = committed;
        for (long first : firsts) {
            Path file = segment(first);
            long count = 0;
            long validBytes = 0;
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
                Record r;
                while ((r = Record.read(in)) != null) {
                    count++;
                    validBytes += r.size();
                }
            }
            if (first + count <= committed) {
                Files.delete(file);
                continue;
            }
            try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(validBytes);
            }
            segments.add(new long[] {first, validBytes});
            // a partly acknowledged segment counts whole until the drainer acknowledges its records again
            unackedBytes += validBytes;
            end = first + count;
        }
        appended = end;
        written = end;
        metrics.spoolBacklog(written - committed, unackedBytes);
    }

    private Path segment(long first) {
        return dir.resolve(String.format("%020d%s", first, SUFFIX));
    }

    /** Appends one record, waiting while the spool is at its bound. Writer thread only. */
    void append(int topic, long timestampNs, byte[] key, byte[] value) throws IOException, InterruptedException {
        Record r = new Record(topic, timestampNs, key, value);
        synchronized (this) {
            if (unackedBytes + r.size() > maxBytes && unackedBytes > 0) {
                flush();
                long start = System.nanoTime();
                while (unackedBytes + r.size() > maxBytes && unackedBytes > 0) {
                    wait(100);
                }
                metrics.spoolFullWait(System.nanoTime() - start);
            }
            if (out == null || segmentBytes + r.size() > segmentBytesMax) {
                if (out != null) {
                    out.close();
                }
                out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(segment(appended),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16));
                segments.add(new long[] {appended, 0});
                segmentBytes = 0;
            }
            r.write(out);
            segmentBytes += r.size();
            segments.get(segments.size() - 1)[1] += r.size();
            unackedBytes += r.size();
        }
        appended++;
        metrics.spooled(r.size());
    }

    /** Makes appended records visible to {@link #reader} (flushed to the OS: they survive a crash of the agent). */
    synchronized void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
        written = appended;
        metrics.spoolBacklog(written - committed, unackedBytes);
    }

    /** Names this spool's numbering of records (see the class comment). */
    String id() {
        return id;
    }

    long written() {
        return written;
    }

    long committed() {
        return committed;
    }

    /**
     * Kafka acknowledged every record before {@code upTo} ({@code ackedBytes} of spool): record it
     * durably, release the bytes to {@link #append}, delete segments wholly acknowledged.
     */
    synchronized void commit(long upTo, long ackedBytes) throws IOException {
        Path tmp = dir.resolve("committed.tmp");
        Files.writeString(tmp, Long.toString(upTo));
        Files.move(tmp, dir.resolve("committed"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = upTo;
        unackedBytes = Math.max(0, unackedBytes - ackedBytes);
        while (segments.size() > 1 && segments.get(1)[0] <= upTo) {
            Files.deleteIfExists(segment(segments.remove(0)[0]));
        }
        metrics.spoolBacklog(written - committed, unackedBytes);
        notifyAll();
    }

    /** Reads records from {@code from} on, in order (drainer thread). */
    Reader reader(long from) throws IOException {
        return new Reader(from);
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    /** A sequential reader over the segments; reads only records already {@link #flush flushed}. */
    final class Reader implements AutoCloseable {
        private long position;
        private long segmentFirst = -1;
        private DataInputStream in;

        private Reader(long from) throws IOException {
            position = from;
        }

        long position() {
            return position;
        }

        /** The next record, or null when every flushed record was read. */
        Record next() throws IOException {
            if (position >= written) {
                return null;
            }
            while (true) {
                if (in == null) {
                    open();
                }
                Record r = Record.read(in);
                if (r == null) {
                    // end of this segment: the next one starts at position
                    in.close();
                    in = null;
                    continue;
                }
                if (segmentFirst + skipped++ < position) {
                    continue;
                }
                position++;
                return r;
            }
        }

        private long skipped;

        private void open() throws IOException {
            long first = -1;
            synchronized (Spool.this) {
                for (long[] s : segments) {
                    if (s[0] <= position) {
                        first = s[0];
                    }
                }
            }
            if (first < 0) {
                throw new IOException("spool record " + position + " is in no segment of " + dir);
            }
            segmentFirst = first;
            skipped = 0;
            in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(segment(first)), 1 << 16));
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    /** One spooled Kafka record. */
    record Record(int topic, long timestampNs, byte[] key, byte[] value) {
        int size() {
            return 4 + 4 + 1 + 8 + 2 + key.length + value.length;
        }

        void write(DataOutputStream out) throws IOException {
            out.writeInt(size() - 8);
            out.writeInt(crc());
            out.writeByte(topic);
            out.writeLong(timestampNs);
            out.writeShort(key.length);
            out.write(key);
            out.write(value);
        }

        private int crc() {
            CRC32 c = new CRC32();
            c.update(topic);
            c.update(java.nio.ByteBuffer.allocate(8).putLong(timestampNs).array());
            c.update(key);
            c.update(value);
            return (int) c.getValue();
        }

        /** The next whole record, or null at the end or at a torn record (a crash mid-write). */
        static Record read(InputStream stream) throws IOException {
            DataInputStream in = (DataInputStream) stream;
            try {
                int length = in.readInt();
                int crc = in.readInt();
                if (length < 11) {
                    return null;
                }
                byte[] body = in.readNBytes(length);
                if (body.length < length) {
                    return null;
                }
                var b = java.nio.ByteBuffer.wrap(body);
                int topic = b.get();
                long ts = b.getLong();
                int keyLength = b.getShort() & 0xffff;
                if (keyLength > length - 11) {
                    return null;
                }
                byte[] key = new byte[keyLength];
                b.get(key);
                byte[] value = new byte[b.remaining()];
                b.get(value);
                Record r = new Record(topic, ts, key, value);
                return r.crc() == crc ? r : null;
            } catch (EOFException e) {
                return null;
            }
        }
    }
}
