package io.coord.recipes.lock;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.recipes.CoordTestServer;
import io.coord.wire.OpCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributedMutexTest {
    private static final String LOCK = "/locks/a";
    @TempDir
    Path dir;
    private CoordTestServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        server = new CoordTestServer(dir);
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        if (server != null) { // null when it did not start; that failure is the one to report
            server.close();
        }
    }

    @Test
    void oneHolderAtATimeAndTokensStrictlyIncrease() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            DistributedMutex mutex = new DistributedMutex(server.client(), LOCK);
            workers.add(pool.submit(() -> {
                for (int i = 0; i < 8; i++) {
                    try (Lease lease = mutex.acquire()) {
                        int now = inside.incrementAndGet();
                        maxInside.accumulateAndGet(now, Math::max);
                        tokens.add(lease.fencingToken());
                        Thread.sleep(2);
                        inside.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get(30, TimeUnit.SECONDS);
        }
        assertEquals(1, maxInside.get());
        assertEquals(32, tokens.size());
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i) > tokens.get(i - 1), "tokens must strictly increase: " + tokens);
        }
    }

    @Test
    void reentrantPerThreadAndFreedByLastRelease() throws Exception {
        DistributedMutex mine = new DistributedMutex(server.client(), LOCK);
        DistributedMutex other = new DistributedMutex(server.client(), LOCK);
        Lease outer = mine.acquire();
        Lease inner = mine.acquire();
        assertEquals(outer.fencingToken(), inner.fencingToken());
        assertEquals(1, mine.participantNodes().size());
        inner.release();
        inner.release(); // idempotent
        assertTrue(mine.isHeldByCurrentThread());
        assertTrue(pool.submit(() -> other.tryAcquire(200, TimeUnit.MILLISECONDS)).get().isEmpty());
        outer.release();
        assertFalse(mine.isHeldByCurrentThread());
        Optional<Lease> next = pool.submit(() -> other.tryAcquire(5, TimeUnit.SECONDS)).get();
        assertTrue(next.isPresent());
        assertTrue(next.get().fencingToken() > outer.fencingToken());
        assertEquals(LeaseState.RELEASED, outer.state());
    }

    @Test
    void timeoutAndInterruptLeaveNoNodeBehind() throws Exception {
        CoordClient holderClient = server.client();
        DistributedMutex holder = new DistributedMutex(holderClient, LOCK);
        DistributedMutex waiter = new DistributedMutex(server.client(), LOCK);
        Lease held = holder.acquire();
        assertTrue(pool.submit(() -> waiter.tryAcquire(300, TimeUnit.MILLISECONDS)).get().isEmpty());
        holderClient.sync(LOCK); // the waiter's session deleted its node: catch up on an ensemble
        assertEquals(1, holder.participantNodes().size());

        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                waiter.acquire();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> holder.participantNodes().size() == 2);
        t.interrupt();
        assertTrue(outcome.get(5, TimeUnit.SECONDS) instanceof InterruptedException);
        t.join(5000);
        holderClient.sync(LOCK);
        assertEquals(1, holder.participantNodes().size());
        held.release();
        assertEquals(0, holder.participantNodes().size());
    }

    @Test
    void crashedHoldersLockIsFreedWhenItsSessionExpires() throws Exception {
        FaultInjector faults = new FaultInjector();
        CoordClient doomed = server.faultyClient(faults);
        Lease held = new DistributedMutex(doomed, LOCK).acquire();
        DistributedMutex other = new DistributedMutex(server.client(), LOCK);
        CoordTestServer.crash(doomed, faults);
        long start = System.nanoTime();
        Optional<Lease> next = pool.submit(() -> other.tryAcquire(10, TimeUnit.SECONDS)).get();
        assertTrue(next.isPresent());
        assertTrue(next.get().fencingToken() > held.fencingToken());
        // Not before the session could have expired.
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(CoordTestServer.SHORT_SESSION_MS / 2));
    }

    @Test
    void closedHoldersLockIsFreedAtOnce() throws Exception {
        CoordClient holderClient = server.client();
        new DistributedMutex(holderClient, LOCK).acquire();
        DistributedMutex other = new DistributedMutex(server.client(), LOCK);
        Future<Optional<Lease>> waiting = pool.submit(() -> other.tryAcquire(10, TimeUnit.SECONDS));
        holderClient.close();
        assertTrue(waiting.get(3, TimeUnit.SECONDS).isPresent());
    }

    @Test
    void holderIsToldSuspendedThenLostAndTheLockMovesOn() throws Exception {
        FaultInjector faults = new FaultInjector();
        CoordClient holderClient = server.faultyClient(faults);
        DistributedMutex mutex = new DistributedMutex(holderClient, LOCK);
        List<LeaseState> seen = new CopyOnWriteArrayList<>();
        mutex.addListener((lease, state) -> seen.add(state));
        Lease lease = mutex.acquire();
        faults.blockConnects(true);
        faults.dropConnection();
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains(LeaseState.LOST));
        assertEquals(List.of(LeaseState.SUSPENDED, LeaseState.LOST), seen);
        assertEquals(LeaseState.LOST, lease.state());
        assertFalse(lease.isValid());
        assertFalse(mutex.isHeldByCurrentThread());
        faults.blockConnects(false);
        DistributedMutex other = new DistributedMutex(server.client(), LOCK);
        Optional<Lease> next = pool.submit(() -> other.tryAcquire(10, TimeUnit.SECONDS)).get();
        assertTrue(next.isPresent());
        lease.release(); // harmless after LOST
        // The holder's client recovers and can take the lock again later.
        next.get().release();
        await().atMost(Duration.ofSeconds(10)).until(holderClient::isConnected);
        try (Lease again = mutex.acquire()) {
            assertNotEquals(lease.fencingToken(), again.fencingToken());
        }
    }

    @Test
    void suspendedHolderThatReconnectsKeepsTheLease() throws Exception {
        FaultInjector faults = new FaultInjector();
        DistributedMutex mutex = new DistributedMutex(server.faultyClient(faults), LOCK);
        List<LeaseState> seen = new CopyOnWriteArrayList<>();
        mutex.addListener((lease, state) -> seen.add(state));
        Lease lease = mutex.acquire();
        faults.dropConnection();
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains(LeaseState.HELD));
        assertEquals(List.of(LeaseState.SUSPENDED, LeaseState.HELD), seen);
        assertTrue(lease.isValid());
        lease.release();
        assertEquals(0, mutex.participantNodes().size());
    }

    @Test
    void releaseSurvivesALostDeleteReply() throws Exception {
        FaultInjector faults = new FaultInjector();
        DistributedMutex mutex = new DistributedMutex(server.faultyClient(faults), LOCK);
        Lease lease = mutex.acquire();
        AtomicInteger dropped = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> op == OpCode.DELETE && dropped.getAndIncrement() == 0);
        lease.release();
        assertTrue(dropped.get() >= 1, "the delete reply was dropped");
        DistributedMutex other = new DistributedMutex(server.client(), LOCK);
        await().atMost(Duration.ofSeconds(5)).until(() -> other.participantNodes().isEmpty());
        assertTrue(pool.submit(() -> other.tryAcquire(5, TimeUnit.SECONDS)).get().isPresent());
    }

    @Test
    void protectedCreateLostReplyLeavesNoOrphan() throws Exception {
        FaultInjector faults = new FaultInjector();
        DistributedMutex mutex = new DistributedMutex(server.faultyClient(faults), LOCK);
        new DistributedMutex(server.client(), LOCK).acquire().release(); // make the path
        AtomicInteger dropped = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> (op == OpCode.CREATE2) && dropped.getAndIncrement() == 0);
        Lease lease = mutex.acquire();
        assertTrue(dropped.get() >= 1);
        assertEquals(1, mutex.participantNodes().size());
        assertSame(LeaseState.HELD, lease.state());
        lease.release();
        assertEquals(0, mutex.participantNodes().size());
    }
}
