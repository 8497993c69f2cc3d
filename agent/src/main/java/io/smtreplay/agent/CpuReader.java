package io.smtreplay.agent;

import io.smtreplay.ingest.ftrace.CorruptTraceException;
import io.smtreplay.ingest.ftrace.DecodedPage;
import io.smtreplay.ingest.ftrace.PageDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads one CPU's {@code trace_pipe_raw} a sub-buffer per {@code read()}, decodes the page header
 * and record boundaries, and queues the page for the {@link TimeOrderMerger}. Batched, never busy:
 * a read blocks while the CPU's buffer is empty, and after a page that was under half full (the
 * reader caught up with the writer) it sleeps {@link #CATCH_UP_PAUSE_NS} so the next read gets a
 * fuller page (measured: eager page-by-page reading slowed the guest to 45 % of its speed, batched
 * to 84 %). The queue is bounded: a merger that falls behind stops this reader, and the kernel's
 * overwrite then shows as lost events, counted, never hidden.
 *
 * <p>How far this CPU's stream is complete ({@link #completeUpToNs}) lets the merger order CPUs:
 * the instance runs on the {@code mono} clock, the clock of {@link System#nanoTime()}.
 */
final class CpuReader implements Runnable {
    static final long CATCH_UP_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** A read in progress longer than this found the buffer empty and waits for new events. */
    static final long BLOCKED_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(5);
    /** A read after tracing stopped that has not returned this long will not: the kernel's count is off. */
    static final long STUCK_AFTER_NS = TimeUnit.SECONDS.toNanos(2);
    /** Time between an event's timestamp and its commit becoming readable (interrupts off: microseconds). */
    static final long COMMIT_SLACK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int cpu;
    private final Path rawPipe;
    private final PageDecoder decoder;
    private final AgentMetrics metrics;
    private final UnreadEntries unread;
    private final BlockingQueue<DecodedPage> pages;
    private volatile FileChannel channel;
    private volatile long readEnteredNs;
    private volatile long completeUpToNs = Long.MIN_VALUE;
    private volatile boolean draining;
    private volatile boolean finished;
    private volatile long abandonedAtStop;
    private volatile Exception failure;

    /** The kernel's count of events committed on a CPU and not yet read ({@code per_cpu/cpuN/stats entries}). */
    interface UnreadEntries {
        long of(int cpu) throws IOException;
    }

    CpuReader(int cpu, Path rawPipe, PageDecoder decoder, AgentMetrics metrics, UnreadEntries unread) {
        this(cpu, rawPipe, decoder, metrics, unread, 1024);
    }

    /** {@code queuePages}: pages read and not yet taken by the merger before this reader waits. */
    CpuReader(int cpu, Path rawPipe, PageDecoder decoder, AgentMetrics metrics, UnreadEntries unread, int queuePages) {
        this.pages = new ArrayBlockingQueue<>(queuePages);
        this.unread = unread;
        this.cpu = cpu;
        this.rawPipe = rawPipe;
        this.decoder = decoder;
        this.metrics = metrics;
    }

    int cpu() {
        return cpu;
    }

    void open() throws IOException {
        channel = FileChannel.open(rawPipe, StandardOpenOption.READ);
    }

    @Override
    public void run() {
        int size = decoder.layout().subBufferSize();
        try {
            while (true) {
                ByteBuffer buffer = ByteBuffer.allocate(size);
                long entered = System.nanoTime();
                readEnteredNs = entered;
                int n = channel.read(buffer);
                readEnteredNs = 0;
                // 0 bytes (FileChannel says -1) is not the end: the writer may still own the page
                boolean caughtUp = n <= 0;
                if (n > 0) {
                    DecodedPage page = new DecodedPage();
                    buffer.flip();
                    decoder.decode(buffer, 0, page);
                    metrics.pageRead(cpu, n, page.recordCount());
                    pages.put(page);
                    caughtUp = page.dataLength() < decoder.layout().dataSize() / 2;
                    if (page.recordCount() > 0) {
                        completeUpToNs = Math.max(completeUpToNs, page.timestamp(page.recordCount() - 1));
                    }
                }
                if (caughtUp) {
                    completeUpToNs = Math.max(completeUpToNs, entered - COMMIT_SLACK_NS);
                    // a short page is not the end: the rest of a page read in part earlier comes out short too
                    if (draining && (n <= 0 || nothingUnread())) {
                        break;
                    }
                    LockSupport.parkNanos(CATCH_UP_PAUSE_NS);
                }
            }
        } catch (ClosedChannelException e) {
            // closed by drainIdle(): the buffer was empty and tracing is off
        } catch (IOException e) {
            // CorruptTraceException included: a page the kernel wrote that does not decode
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished = true;
            closeChannel();
        }
    }

    /** Tracing is off: read what is left, then stop. */
    void drain() {
        draining = true;
    }

    /**
     * Ends a read that waits on an empty buffer after {@link #drain()} (closing the file wakes it).
     * A read that has lasted a while is not proof of an empty buffer — on a loaded machine the
     * reader may just be descheduled mid-read — so the kernel's count of unread events decides:
     * closing on a buffer with events left would drop them without a count.
     */
    void closeIfBlocked() {
        long entered = readEnteredNs;
        long blockedNs = System.nanoTime() - entered;
        if (!draining || entered == 0 || blockedNs <= BLOCKED_AFTER_NS) {
            return;
        }
        long left = unreadOrUnknown();
        if ((left == 0 || blockedNs > STUCK_AFTER_NS) && readEnteredNs == entered) {
            // given up with events left: they are counted as lost, never dropped unsaid
            abandonedAtStop = Math.max(0, left);
            closeChannel();
        }
    }

    /** Events the kernel still held when a stuck read was given up at stop (counted with the kernel's losses). */
    long abandonedAtStop() {
        return abandonedAtStop;
    }

    private long unreadOrUnknown() {
        try {
            return unread.of(cpu);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The kernel says every event committed on this CPU was read (no proof if its stats cannot be read). */
    private boolean nothingUnread() {
        return unreadOrUnknown() == 0;
    }

    private void closeChannel() {
        try {
            FileChannel c = channel;
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }

    /** The next decoded page, or null. */
    DecodedPage poll() {
        return pages.poll();
    }

    /** Pages read and not yet taken by the merger. */
    int queuedPages() {
        return pages.size();
    }

    /** Timestamp of the oldest event read and not yet taken by the merger; {@link Long#MAX_VALUE} when none waits. */
    long oldestQueuedNs() {
        DecodedPage head = pages.peek();
        return head == null || head.recordCount() == 0 ? Long.MAX_VALUE : head.timestamp(0);
    }

    boolean finished() {
        return finished && pages.isEmpty();
    }

    Exception failure() {
        return failure;
    }

    /**
     * Every event of this CPU stamped at or before the returned time is queued already: the last
     * record read, the start of a read that found the buffer drained, or — for a read that has
     * waited a while — the moment the kernel said nothing is left unread (a thread preempted just
     * before its read must not look idle, hence the kernel's count, not the wait alone).
     */
    long completeUpToNs() {
        if (finished) {
            return Long.MAX_VALUE;
        }
        long entered = readEnteredNs;
        long complete = completeUpToNs;
        long asked = System.nanoTime();
        if (entered != 0 && asked - entered > BLOCKED_AFTER_NS) {
            if (nothingUnread() && readEnteredNs == entered) {
                complete = Math.max(complete, asked - COMMIT_SLACK_NS);
                completeUpToNs = Math.max(completeUpToNs, complete);
            }
        }
        return complete;
    }
}
