package io.coord.server.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitterTest {

    @TempDir
    Path dataDir;

    private static byte[] txn(long zxid) {
        return ("payload-" + zxid).getBytes(StandardCharsets.UTF_8);
    }

    /** Records what the committer reports and, on the log thread, checks it against the file. */
    private static final class CheckingListener implements DurableListener {
        private final AtomicLong highest = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<String> problems = new CopyOnWriteArrayList<>();
        private TxnLog log;
        private long verifiedUpTo;

        @Override
        public void onDurable(long zxid) {
            if (zxid <= highest.get()) {
                problems.add("durable zxid went backwards: " + zxid);
            }
            if (log != null) {
                verifyOnDisk(zxid);
            }
            highest.set(zxid);
        }

        /** Runs on the log thread, which owns the log, so reading it here is allowed. */
        private void verifyOnDisk(long zxid) {
            try {
                long[] expected = {verifiedUpTo + 1};
                log.replay(verifiedUpTo, (z, t) -> {
                    if (z != expected[0] || !new String(t, StandardCharsets.UTF_8).equals("payload-" + z)) {
                        problems.add("unexpected record " + z);
                    }
                    expected[0]++;
                });
                if (expected[0] - 1 != zxid) {
                    problems.add("reported " + zxid + " but file ends at " + (expected[0] - 1));
                }
                verifiedUpTo = zxid;
            } catch (IOException e) {
                problems.add(e.toString());
            }
        }

        @Override
        public void onFailure(Throwable cause) {
            failure.set(cause);
        }

        @Override
        public void onDiskFull(long durableZxid) {
            throw new AssertionError("disk full");
        }

        @Override
        public void onSpaceAvailable() {
        }
    }

    @Test
    void manyThreadsAreBatchedAndEverythingReportedIsOnDisk() throws Exception {
        int threads = 8;
        int perThread = 400;
        CheckingListener listener = new CheckingListener();
        try (TxnLog log = TxnLog.open(dataDir, 1 << 16)) {
            listener.log = log;
            GroupCommitter committer = new GroupCommitter(log, 64, 1000, new FlushPacer(0), listener);
            committer.start();
            Object zxidLock = new Object();
            AtomicLong nextZxid = new AtomicLong(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        // zxid assignment and submission are serialised, as on the request thread
                        synchronized (zxidLock) {
                            long z = nextZxid.getAndIncrement();
                            try {
                                committer.submit(z, txn(z));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }
                });
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
            long total = (long) threads * perThread;
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.highest.get() == total);
            committer.close();
            assertTrue(listener.problems.isEmpty(), listener.problems.toString());
            assertNull(listener.failure.get());
            assertEquals(total, committer.records());
            assertTrue(committer.batches() < committer.records(),
                    "batches " + committer.batches() + " records " + committer.records());
            assertTrue(committer.totalSyncNanos() > 0);
        }
        try (TxnLog log = TxnLog.open(dataDir, 1 << 16)) {
            List<Long> zxids = new ArrayList<>();
            log.replay(0, (z, t) -> {
                zxids.add(z);
                assertArrayEquals(txn(z), t);
            });
            assertEquals(threads * perThread, zxids.size());
        }
    }

    @Test
    void submitBlocksWhenQueueIsFull() throws Exception {
        CheckingListener listener = new CheckingListener();
        try (TxnLog log = TxnLog.open(dataDir, 1 << 16)) {
            GroupCommitter committer = new GroupCommitter(log, 2, 100, new FlushPacer(0), listener);
            committer.submit(1, txn(1));
            committer.submit(2, txn(2));
            Thread blocked = new Thread(() -> {
                try {
                    committer.submit(3, txn(3));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            blocked.start();
            // Wait until the submitter is parked inside submit (waiting for room), not a fixed time.
            await().atMost(Duration.ofSeconds(10)).until(() -> parkedIn(blocked, "submit"));
            assertTrue(blocked.isAlive(), "third submit should block on a full queue");
            assertEquals(0, listener.highest.get());
            committer.start(); // the log thread drains the queue and frees the submitter
            blocked.join(10_000);
            assertFalse(blocked.isAlive());
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.highest.get() == 3);
            committer.close();
        }
    }

    /** True while {@code t} waits (parked, not running) somewhere inside GroupCommitter.{@code method}. */
    private static boolean parkedIn(Thread t, String method) {
        Thread.State state = t.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        return Arrays.stream(t.getStackTrace()).anyMatch(f ->
                f.getClassName().equals(GroupCommitter.class.getName()) && f.getMethodName().equals(method));
    }

    @Test
    void closeDrainsAndSyncsEverything() throws Exception {
        CheckingListener listener = new CheckingListener();
        try (TxnLog log = TxnLog.open(dataDir, 1 << 16)) {
            GroupCommitter committer = new GroupCommitter(log, 1000, 1000, new FlushPacer(0), listener);
            committer.start();
            for (long z = 1; z <= 500; z++) {
                committer.submit(z, txn(z));
            }
            committer.close();
            assertEquals(500, listener.highest.get());
            assertEquals(500, committer.highestDurableZxid());
            assertThrows(IllegalStateException.class, () -> committer.submit(501, txn(501)));
        }
    }

    @Test
    void logFailureIsFatalAndNothingMoreIsAcknowledged() throws Exception {
        CheckingListener listener = new CheckingListener();
        TxnLog log = TxnLog.open(dataDir, 1 << 16);
        GroupCommitter committer = new GroupCommitter(log, 10, 100, new FlushPacer(0), listener);
        committer.start();
        committer.submit(1, txn(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.highest.get() == 1);
        log.close(); // the next append on the log thread fails
        committer.submit(2, txn(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.failure.get() != null);
        assertTrue(committer.failed());
        assertEquals(1, listener.highest.get());
        assertThrows(IllegalStateException.class, () -> committer.submit(3, txn(3)));
        committer.close();
        assertEquals(1, listener.highest.get());
    }
}
