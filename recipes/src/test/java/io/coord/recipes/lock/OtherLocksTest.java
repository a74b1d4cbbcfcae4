package io.coord.recipes.lock;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.recipes.CoordTestServer;
import io.coord.recipes.RecipeTestBase;
import io.coord.recipes.lock.DistributedMultiLock.MultiLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OtherLocksTest extends RecipeTestBase {
    @Test
    void readersShareWritersExcludeAndQueuedWriterBlocksLaterReaders() throws Exception {
        DistributedReadWriteLock a = new DistributedReadWriteLock(server.client(), "/rw");
        DistributedReadWriteLock b = new DistributedReadWriteLock(server.client(), "/rw");
        DistributedReadWriteLock c = new DistributedReadWriteLock(server.client(), "/rw");
        Lease readA = a.readLock().acquire();
        Lease readB = pool.submit(() -> b.readLock().tryAcquire(2, TimeUnit.SECONDS)).get().orElseThrow();
        Future<Optional<Lease>> writer = pool.submit(() -> c.writeLock().tryAcquire(10, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.writeLock().participantNodes().size() == 3);
        // A reader arriving after the waiting writer queues behind it.
        DistributedReadWriteLock late = new DistributedReadWriteLock(server.client(), "/rw");
        assertTrue(pool.submit(() -> late.readLock().tryAcquire(200, TimeUnit.MILLISECONDS)).get().isEmpty());
        assertFalse(writer.isDone());
        readA.release();
        readB.release();
        Lease write = writer.get(5, TimeUnit.SECONDS).orElseThrow();
        assertTrue(write.fencingToken() > readB.fencingToken());
        assertTrue(pool.submit(() -> a.readLock().tryAcquire(200, TimeUnit.MILLISECONDS)).get().isEmpty());
        write.release();
        assertTrue(pool.submit(() -> a.readLock().tryAcquire(2, TimeUnit.SECONDS)).get().isPresent());
    }

    @Test
    void writerMayAlsoTakeTheReadLock() throws Exception {
        DistributedReadWriteLock rw = new DistributedReadWriteLock(server.client(), "/rw");
        try (Lease w = rw.writeLock().acquire();
             Lease r = rw.readLock().tryAcquire(2, TimeUnit.SECONDS).orElseThrow()) {
            assertTrue(w.isValid() && r.isValid());
        }
        assertEquals(0, rw.writeLock().participantNodes().size());
    }

    @Test
    void leasesInUseCountsHoldersNotTheWaitingAcquirer() throws Exception {
        CoordClient holderClient = server.client();
        DistributedSemaphore holders = new DistributedSemaphore(holderClient, "/sem", 3);
        List<Lease> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(holders.acquire());
        }
        DistributedSemaphore waiter = new DistributedSemaphore(server.client(), "/sem", 3);
        Future<Lease> waiting = pool.submit(waiter::acquire);
        CoordClient observer = server.client();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            observer.sync("/sem/leases");
            return observer.getChildren("/sem/leases").children().size() == 4;
        });
        holderClient.sync("/sem/leases");
        assertEquals(3, holders.leasesInUse(), "three held, one waiting");
        assertFalse(waiting.isDone());
        held.remove(0).release();
        Lease got = waiting.get(10, TimeUnit.SECONDS);
        holderClient.sync("/sem/leases");
        assertEquals(3, holders.leasesInUse());
        got.release();
        held.forEach(Lease::release);
        holderClient.sync("/sem/leases");
        assertEquals(0, holders.leasesInUse());
    }

    @Test
    void semaphoreBoundsConcurrentHolders() throws Exception {
        int slots = 2;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<Future<?>> runs = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            DistributedSemaphore sem = new DistributedSemaphore(server.client(), "/sem", slots);
            runs.add(pool.submit(() -> {
                for (int i = 0; i < 4; i++) {
                    try (Lease lease = sem.acquire()) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.sleep(15);
                        inside.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> r : runs) {
            r.get(30, TimeUnit.SECONDS);
        }
        // The bound is the promise; whether two holders ever overlapped above depends on scheduling
        // (CI once saw only one at a time on a loaded machine), so that both slots can be held at
        // once is shown directly: two leases held, a third refused until one is returned.
        assertTrue(maxInside.get() >= 1 && maxInside.get() <= slots, "holders at once: " + maxInside.get());
        DistributedSemaphore a = new DistributedSemaphore(server.client(), "/sem", slots);
        DistributedSemaphore b = new DistributedSemaphore(server.client(), "/sem", slots);
        DistributedSemaphore c = new DistributedSemaphore(server.client(), "/sem", slots);
        try (Lease first = a.tryAcquire(5, TimeUnit.SECONDS).orElseThrow();
             Lease second = b.tryAcquire(5, TimeUnit.SECONDS).orElseThrow()) {
            assertTrue(c.tryAcquire(300, TimeUnit.MILLISECONDS).isEmpty(), "a third lease while two are held");
        }
        try (Lease third = c.tryAcquire(5, TimeUnit.SECONDS).orElseThrow()) {
            assertEquals(1, new DistributedSemaphore(syncedClient("/sem"), "/sem", slots).leasesInUse());
        }
        assertEquals(0, new DistributedSemaphore(syncedClient("/sem"), "/sem", slots).leasesInUse());
    }

    @Test
    void semaphoreSlotOfACrashedHolderComesBack() throws Exception {
        FaultInjector faults = new FaultInjector();
        CoordClient doomed = server.faultyClient(faults);
        new DistributedSemaphore(doomed, "/sem", 1).acquire();
        DistributedSemaphore other = new DistributedSemaphore(server.client(), "/sem", 1);
        assertTrue(other.tryAcquire(200, TimeUnit.MILLISECONDS).isEmpty());
        assertEquals(1, other.leasesInUse(), "a timed-out acquire leaves no lease behind");
        CoordTestServer.crash(doomed, faults);
        assertTrue(other.tryAcquire(10, TimeUnit.SECONDS).isPresent());
    }

    @Test
    void multiLockIsAllOrNothing() throws Exception {
        CoordClient client = server.client();
        DistributedMultiLock multi = new DistributedMultiLock(client, List.of("/m/b", "/m/a"));
        Lease blocker = pool.submit(() -> new DistributedMutex(server.client(), "/m/b").acquire()).get();
        assertTrue(multi.tryAcquire(300, TimeUnit.MILLISECONDS).isEmpty());
        assertEquals(0, new DistributedMutex(client, "/m/a").participantNodes().size(), "partial hold released");
        blocker.release();
        MultiLease all = multi.tryAcquire(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals(2, all.leases().size());
        assertTrue(all.fencingToken(("/m/b")) > blocker.fencingToken());
        assertTrue(all.isValid());
        assertTrue(pool.submit(() -> new DistributedMutex(server.client(), "/m/a")
                .tryAcquire(200, TimeUnit.MILLISECONDS)).get().isEmpty());
        all.release();
        assertEquals(LeaseState.RELEASED, all.state());
        assertTrue(pool.submit(() -> new DistributedMutex(server.client(), "/m/a")
                .tryAcquire(2, TimeUnit.SECONDS)).get().isPresent());
    }
}
