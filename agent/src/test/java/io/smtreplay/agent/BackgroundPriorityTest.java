package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pieces {@link BackgroundPriority} lowers threads with, on this kernel: a thread's id from
 * {@code /proc/thread-self}, its nice value from its stat line, and {@code renice} on one thread
 * only. (Lowering a whole JVM but its readers runs in {@code AgentLeastPrivilegeTest}, in a JVM of
 * its own with every capability dropped: here it would slow the test JVM for good.)
 */
class BackgroundPriorityTest {

    @Test
    void reniceLowersOneThreadAndNotTheOthers() throws Exception {
        CompletableFuture<Long> tid = new CompletableFuture<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread lowered = new Thread(() -> {
            try {
                tid.complete(BackgroundPriority.currentTid());
                done.await();
            } catch (Exception e) {
                tid.completeExceptionally(e);
            }
        }, "to-be-lowered");
        lowered.start();
        try {
            long t = tid.get(10, TimeUnit.SECONDS);
            long self = BackgroundPriority.currentTid();
            assertNotEquals(ProcessHandle.current().pid(), t, "a thread's own id, not the process's");
            int before = BackgroundPriority.niceOf(self);
            BackgroundPriority.renice(17, List.of(t));
            assertEquals(17, BackgroundPriority.niceOf(t));
            assertEquals(before, BackgroundPriority.niceOf(self), "the calling thread keeps its priority");
        } finally {
            done.countDown();
            lowered.join();
        }
    }

    @Test
    void theNiceValueIsReadAfterACommandWithSpacesAndParens() {
        String stat = "4242 (C2 Compiler) x) S 1 4242 4242 0 -1 4194560 12 0 0 0 37 5 0 0 39 19 1 0 100 0 0";
        assertEquals(19, BackgroundPriority.niceFromStat(stat));
    }

    @Test
    void niceValuesOutsideZeroToNineteenAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BackgroundPriority(-1, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new BackgroundPriority(20, Duration.ofSeconds(5)));
    }

    /** Nice value 0 (what tests that run the agent in their own JVM use) changes no thread and still starts the readers. */
    @Test
    void niceZeroStartsThreadsAndLowersNothing() throws Exception {
        long self = BackgroundPriority.currentTid();
        int before = BackgroundPriority.niceOf(self);
        CompletableFuture<Integer> readerNice = new CompletableFuture<>();
        try (BackgroundPriority off = new BackgroundPriority(0, Duration.ofMillis(10))) {
            off.startKept(() -> {
                try {
                    readerNice.complete(BackgroundPriority.niceOf(BackgroundPriority.currentTid()));
                } catch (Exception e) {
                    readerNice.completeExceptionally(e);
                }
            }, "kept-under-test");
            assertEquals(before, readerNice.get(10, TimeUnit.SECONDS));
            Thread.sleep(50);
            assertEquals(before, BackgroundPriority.niceOf(self));
        }
    }
}
