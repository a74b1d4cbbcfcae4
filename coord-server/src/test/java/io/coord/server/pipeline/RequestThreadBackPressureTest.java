package io.coord.server.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.quorum.QuorumStorage;
import io.coord.server.storage.FlushPacer;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.zab.StorageOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request thread's queue never blocks whoever feeds it (event loops, log threads), and is
 * bounded by its sources pausing at the high-water mark instead; so the request thread waiting for
 * the log thread's queue and the log thread handing durability reports back can no longer wait on
 * each other in a cycle.
 */
class RequestThreadBackPressureTest {
    private static final RequestThread.Handler IDLE = new RequestThread.Handler() {
        @Override
        public long onTick(long nowMs) {
            return 1000;
        }

        @Override
        public void afterBatch() {
        }
    };

    @TempDir
    Path dir;

    private final List<Throwable> fatal = new CopyOnWriteArrayList<>();

    private RequestThread thread() {
        return new RequestThread("test-request", System::currentTimeMillis, IDLE, (what, cause) -> fatal.add(cause));
    }

    /** The old queue was an ArrayBlockingQueue of 65,536: the 65,537th submit blocked its caller. */
    @Test
    void submitNeverBlocksWhileTheThreadIsStuck() throws Exception {
        RequestThread thread = thread();
        thread.start();
        CountDownLatch stuck = new CountDownLatch(1);
        try {
            thread.submit(() -> waitFor(stuck));
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 100_000; i++) {
                    thread.submit(() -> { });
                }
            }, "an event loop submitting to a stuck request thread must not block");
            assertTrue(thread.backlog().overHighWater());
        } finally {
            stuck.countDown();
            thread.close();
        }
        assertTrue(fatal.isEmpty(), fatal.toString());
    }

    @Test
    void pausedSourcesResumeUnderTheLowWaterMarkOnly() throws Exception {
        RequestThread thread = new RequestThread("test-request", System::currentTimeMillis, IDLE,
                (what, cause) -> fatal.add(cause), 100, 50);
        thread.start();
        CountDownLatch stuck = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger queuedAtResume = new AtomicInteger(-1);
        try {
            thread.submit(() -> waitFor(stuck));
            for (int i = 0; i < 150; i++) {
                thread.submit(ran::incrementAndGet);
            }
            Backlog backlog = thread.backlog();
            assertTrue(backlog.overHighWater());
            backlog.whenBelowLowWater(() -> queuedAtResume.set(thread.queued()));
            assertEquals(-1, queuedAtResume.get());
            stuck.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> queuedAtResume.get() >= 0);
            assertTrue(queuedAtResume.get() <= 50, "resumed with " + queuedAtResume.get() + " queued");
            await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 150);
            assertFalse(backlog.overHighWater());
        } finally {
            stuck.countDown();
            thread.close();
        }
    }

    /**
     * The cycle: the log is stalled in a force; a request-thread task queues more ops than the
     * storage queue holds (so the request thread waits for the log thread); sources keep filling
     * the request thread's queue. When the force returns, the log thread reports durability back.
     * Before, that report waited for room in the full request queue while the request thread
     * waited for room in the log's queue: neither moved again. Now the report is queued at once,
     * the log drains, and every op is reported durable on the request thread.
     */
    @Test
    void theLogThreadAndTheRequestThreadNeverWaitOnEachOther() {
        // Preemptive: before the fix, even the clean-up below hung in the cycle.
        assertTimeoutPreemptively(Duration.ofSeconds(90), this::fillBothQueuesThenLetTheLogGo);
    }

    private void fillBothQueuesThenLetTheLogGo() throws Exception {
        StallingLogIo io = new StallingLogIo();
        RequestThread thread = thread();
        AtomicLong durableSeen = new AtomicLong();
        List<String> storageFatal = new CopyOnWriteArrayList<>();
        int ops = 200;
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, io)) {
            QuorumStorage storage = new QuorumStorage(log, new SnapshotStore(dir), new MetaStore(dir), 3,
                    new FlushPacer(0), seq -> thread.submit(() -> durableSeen.accumulateAndGet(seq, Math::max)),
                    (what, cause) -> storageFatal.add(what), System::nanoTime, 8 * 1024);
            storage.start();
            thread.start();
            try {
                io.stall();
                thread.submit(() -> storage.submit(appends(1, ops)));
                await().atMost(Duration.ofSeconds(10)).until(io::stalled);
                Thread filler = new Thread(() -> {
                    for (int i = 0; i < 70_000; i++) {
                        thread.submit(() -> { });
                    }
                }, "test-filler");
                filler.setDaemon(true);
                filler.start();
                filler.join(20_000);
                io.release();
                await().atMost(Duration.ofSeconds(30)).until(() -> durableSeen.get() == ops);
            } finally {
                io.release();
                thread.close();
                storage.close();
            }
        }
        assertTrue(storageFatal.isEmpty(), storageFatal.toString());
        assertTrue(fatal.isEmpty(), fatal.toString());
    }

    private static List<StorageOp> appends(long firstSeq, int count) {
        List<StorageOp> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ops.add(new StorageOp.AppendTxn(firstSeq + i, firstSeq + i, new byte[1000]));
        }
        return ops;
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forces wait while stalled (a disk that takes its time). */
    private static final class StallingLogIo implements LogIo {
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private volatile boolean inForce;

        void stall() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        boolean stalled() {
            return inForce;
        }

        @Override
        public void write(FileChannel channel, ByteBuffer buf) throws IOException {
            LogIo.REAL.write(channel, buf);
        }

        @Override
        public void force(FileChannel channel, boolean metaData) throws IOException {
            inForce = true;
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } finally {
                inForce = false;
            }
            LogIo.REAL.force(channel, metaData);
        }
    }
}
