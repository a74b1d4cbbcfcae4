package io.coord.recipes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.recipes.barrier.DistributedBarrier;
import io.coord.recipes.barrier.DistributedDoubleBarrier;
import io.coord.recipes.cache.TreeCache;
import io.coord.recipes.leader.LeaderLatch;
import io.coord.recipes.lock.DistributedMultiLock;
import io.coord.recipes.lock.DistributedMutex;
import io.coord.recipes.lock.DistributedReadWriteLock;
import io.coord.recipes.lock.DistributedSemaphore;
import io.coord.recipes.queue.DistributedPriorityQueue;
import io.coord.recipes.queue.DistributedQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Every blocking recipe call ends with {@link ClientClosedException} when its client is closed
 * while it waits (instead of waiting forever for an event a closed client can no longer deliver),
 * and when it is called on a client that is already closed.
 */
class ClientCloseTest extends RecipeTestBase {
    private static final Duration BLOCKED_WITHIN = Duration.ofSeconds(10);
    private static final long WOKEN_WITHIN_S = 5;

    @Test
    void mutexAcquire() throws Exception {
        new DistributedMutex(server.client(), "/m").acquire();
        CoordClient waiter = server.client();
        DistributedMutex mutex = new DistributedMutex(waiter, "/m");
        assertClosingWakes(waiter, mutex::acquire, () -> children("/m") == 2);
    }

    @Test
    void mutexTryAcquireWithLongTimeout() throws Exception {
        new DistributedMutex(server.client(), "/m").acquire();
        CoordClient waiter = server.client();
        DistributedMutex mutex = new DistributedMutex(waiter, "/m");
        assertClosingWakes(waiter, () -> mutex.tryAcquire(60, TimeUnit.SECONDS), () -> children("/m") == 2);
    }

    @Test
    void readWriteLockWriterBehindReader() throws Exception {
        new DistributedReadWriteLock(server.client(), "/rw").readLock().acquire();
        CoordClient waiter = server.client();
        DistributedReadWriteLock rw = new DistributedReadWriteLock(waiter, "/rw");
        assertClosingWakes(waiter, () -> rw.writeLock().acquire(), () -> children("/rw") == 2);
    }

    @Test
    void multiLock() throws Exception {
        new DistributedMutex(server.client(), "/multi/b").acquire();
        CoordClient waiter = server.client();
        DistributedMultiLock multi = new DistributedMultiLock(waiter, List.of("/multi/a", "/multi/b"));
        assertClosingWakes(waiter, multi::acquire, () -> children("/multi/b") == 2);
    }

    @Test
    void semaphoreAcquire() throws Exception {
        new DistributedSemaphore(server.client(), "/sem", 1).acquire();
        CoordClient waiter = server.client();
        DistributedSemaphore sem = new DistributedSemaphore(waiter, "/sem", 1);
        assertClosingWakes(waiter, sem::acquire, () -> children("/sem/leases") == 2);
    }

    @Test
    void queueTake() throws Exception {
        CoordClient waiter = server.client();
        DistributedQueue queue = new DistributedQueue(waiter, "/q");
        assertClosingWakes(waiter, queue::take, () -> exists("/q/_claims"));
    }

    @Test
    void priorityQueueTakeWithTimeout() throws Exception {
        CoordClient waiter = server.client();
        DistributedPriorityQueue queue = new DistributedPriorityQueue(waiter, "/pq");
        assertClosingWakes(waiter, () -> queue.take(60, TimeUnit.SECONDS), () -> exists("/pq/_claims"));
    }

    @Test
    void barrierWait() throws Exception {
        new DistributedBarrier(server.client(), "/barrier").setBarrier();
        CoordClient waiter = server.client();
        DistributedBarrier barrier = new DistributedBarrier(waiter, "/barrier");
        assertClosingWakes(waiter, () -> barrier.waitOnBarrier(60, TimeUnit.SECONDS), () -> true);
    }

    @Test
    void doubleBarrierEnter() throws Exception {
        CoordClient waiter = server.client();
        DistributedDoubleBarrier barrier = new DistributedDoubleBarrier(waiter, "/double", 2);
        assertClosingWakes(waiter, () -> barrier.enter(60, TimeUnit.SECONDS), () -> children("/double") == 1);
    }

    @Test
    void doubleBarrierLeave() throws Exception {
        CoordClient waiter = server.client();
        DistributedDoubleBarrier mine = new DistributedDoubleBarrier(waiter, "/double", 2);
        DistributedDoubleBarrier other = new DistributedDoubleBarrier(server.client(), "/double", 2);
        Future<Boolean> otherIn = pool.submit(() -> other.enter(10, TimeUnit.SECONDS));
        assertTrue(mine.enter(10, TimeUnit.SECONDS));
        assertTrue(otherIn.get(10, TimeUnit.SECONDS));
        // The other member stays inside, so leaving waits for it.
        assertClosingWakes(waiter, () -> mine.leave(60, TimeUnit.SECONDS), () -> memberCount("/double") == 1);
    }

    @Test
    void leaderLatchAwait() throws Exception {
        LeaderLatch leader = new LeaderLatch(server.client(), "/election", "leader");
        leader.start();
        assertTrue(leader.await(10, TimeUnit.SECONDS));
        CoordClient waiter = server.client();
        LeaderLatch follower = new LeaderLatch(waiter, "/election", "follower");
        follower.start();
        assertClosingWakes(waiter, () -> follower.await(60, TimeUnit.SECONDS), () -> children("/election") == 2);
        leader.close();
    }

    @Test
    void treeCacheAwaitInitialized() throws Exception {
        CoordClient waiter = server.client();
        waiter.close();
        TreeCache cache = new TreeCache(waiter, "/tree");
        cache.start();
        Future<Boolean> f = pool.submit(() -> cache.awaitInitialized(30, TimeUnit.SECONDS));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WOKEN_WITHIN_S, TimeUnit.SECONDS));
        assertInstanceOf(ClientClosedException.class, e.getCause());
        cache.close();
    }

    @Test
    void callsOnAnAlreadyClosedClientThrowClientClosed() {
        CoordClient closed = server.client();
        closed.close();
        assertThrows(ClientClosedException.class, () -> new DistributedMutex(closed, "/m").acquire());
        assertThrows(ClientClosedException.class, () -> new DistributedQueue(closed, "/q").take());
        assertThrows(ClientClosedException.class, () -> new DistributedSemaphore(closed, "/sem", 1).acquire());
        assertThrows(ClientClosedException.class,
                () -> new DistributedBarrier(closed, "/barrier").waitOnBarrier(60, TimeUnit.SECONDS));
        LeaderLatch latch = new LeaderLatch(closed, "/election", "late");
        latch.start();
        assertThrows(ClientClosedException.class, () -> latch.await(60, TimeUnit.SECONDS));
    }

    /**
     * Starts {@code call} on a worker, waits until {@code blocked} holds and the worker is parked,
     * closes {@code client}, and expects the call to fail with ClientClosedException promptly.
     */
    private void assertClosingWakes(CoordClient client, Callable<?> call, BooleanSupplier blocked) {
        AtomicReference<Thread> worker = new AtomicReference<>();
        Future<?> f = pool.submit(() -> {
            worker.set(Thread.currentThread());
            return call.call();
        });
        await().atMost(BLOCKED_WITHIN).until(() -> blocked.getAsBoolean() && parked(worker.get()));
        client.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WOKEN_WITHIN_S, TimeUnit.SECONDS),
                "the call still blocks after its client was closed");
        assertInstanceOf(ClientClosedException.class, e.getCause());
    }

    private static boolean parked(Thread t) {
        if (t == null) {
            return false;
        }
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    private int children(String path) {
        CoordClient observer = observer();
        observer.sync("/");
        if (observer.exists(path) == null) {
            return 0;
        }
        return observer.getChildren(path).children().size();
    }

    private long memberCount(String path) {
        CoordClient observer = observer();
        observer.sync(path);
        return observer.getChildren(path).children().stream().filter(c -> c.startsWith("member-")).count();
    }

    private boolean exists(String path) {
        CoordClient observer = observer();
        observer.sync("/");
        return observer.exists(path) != null;
    }

    private CoordClient observerClient;

    private synchronized CoordClient observer() {
        if (observerClient == null) {
            observerClient = server.client();
        }
        return observerClient;
    }
}
