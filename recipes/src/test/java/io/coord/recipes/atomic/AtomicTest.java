package io.coord.recipes.atomic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.recipes.RecipeTestBase;
import io.coord.wire.OpCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AtomicTest extends RecipeTestBase {
    @Test
    void fourClientsTimesHundredIncrementsMakeFourHundred() throws Exception {
        List<Future<?>> runs = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            DistributedAtomicLong counter = new DistributedAtomicLong(server.client(), "/counters/hits");
            runs.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    counter.increment();
                }
                return null;
            }));
        }
        for (Future<?> r : runs) {
            r.get(60, TimeUnit.SECONDS);
        }
        assertEquals(400, new DistributedAtomicLong(syncedClient("/counters/hits"), "/counters/hits").get());
    }

    @Test
    void compareAndSetAddAndMissingNode() {
        DistributedAtomicLong c = new DistributedAtomicLong(server.client(), "/counters/x");
        assertEquals(0, c.get());
        assertFalse(c.compareAndSet(5, 6));
        assertTrue(c.compareAndSet(0, 10));
        assertEquals(13, c.add(3));
        assertEquals(12, c.decrement());
        c.set(-7);
        assertEquals(-7, c.get());
    }

    @Test
    void incrementWhoseReplyIsLostIsNotAppliedTwice() {
        FaultInjector faults = new FaultInjector();
        DistributedAtomicLong c = new DistributedAtomicLong(server.faultyClient(faults), "/counters/y");
        c.add(5);
        AtomicInteger dropped = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> isUpdate(op) && dropped.getAndIncrement() == 0);
        assertEquals(6, c.increment());
        assertTrue(dropped.get() >= 1);
        assertEquals(6, new DistributedAtomicLong(syncedClient("/counters/y"), "/counters/y").get());
    }

    /**
     * The reply to the update is lost, and another client updates the counter before the first
     * one can look: the lost update did apply and must be neither redone nor reported as failed.
     */
    @Test
    void lostReplyWithAnotherWriterInBetweenIsAppliedOnce() {
        FaultInjector faults = new FaultInjector();
        DistributedAtomicLong mine = new DistributedAtomicLong(server.faultyClient(faults), "/counters/z");
        DistributedAtomicLong other = new DistributedAtomicLong(server.client(), "/counters/z");
        mine.add(5);
        dropFirstUpdateReplyAfter(faults, other::increment);
        assertEquals(6, mine.increment(), "the increment applied once, before the other writer's");
        assertEquals(7, other.get());
    }

    @Test
    void compareAndSetWhoseReplyIsLostTellsTheTruth() {
        FaultInjector faults = new FaultInjector();
        DistributedAtomicLong mine = new DistributedAtomicLong(server.faultyClient(faults), "/counters/cas");
        DistributedAtomicLong other = new DistributedAtomicLong(server.client(), "/counters/cas");
        other.set(0);
        dropFirstUpdateReplyAfter(faults, other::increment);
        assertTrue(mine.compareAndSet(0, 100), "the compare-and-set did apply");
        assertEquals(101, other.get());
    }

    @Test
    void setWhoseReplyIsLostDoesNotUndoALaterWrite() {
        FaultInjector faults = new FaultInjector();
        DistributedAtomicLong mine = new DistributedAtomicLong(server.faultyClient(faults), "/counters/set");
        DistributedAtomicLong other = new DistributedAtomicLong(server.client(), "/counters/set");
        other.set(1);
        dropFirstUpdateReplyAfter(faults, other::increment);
        mine.set(50);
        assertEquals(51, other.get(), "the other client's increment after our set must stay");
    }

    @Test
    void manyLostRepliesUnderConcurrentWritesCountExactly() throws Exception {
        FaultInjector faults = new FaultInjector();
        DistributedAtomicLong mine = new DistributedAtomicLong(server.faultyClient(faults), "/counters/many");
        DistributedAtomicLong other = new DistributedAtomicLong(server.client(), "/counters/many");
        AtomicInteger updates = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> isUpdate(op) && updates.incrementAndGet() % 3 == 0
                && dropped.incrementAndGet() > 0);
        Future<?> others = pool.submit(() -> {
            for (int i = 0; i < 60; i++) {
                other.increment();
            }
            return null;
        });
        for (int i = 0; i < 60; i++) {
            mine.increment();
        }
        others.get(60, TimeUnit.SECONDS);
        assertTrue(dropped.get() >= 10, "replies dropped: " + dropped.get());
        assertEquals(120, other.get());
    }

    @Test
    void sharedValueTrySetWhoseReplyIsLostTellsTheTruth() throws Exception {
        FaultInjector faults = new FaultInjector();
        byte[] seed = "v0".getBytes(StandardCharsets.UTF_8);
        CoordClient other = server.client();
        try (SharedValue mine = new SharedValue(server.faultyClient(faults), "/config/lost", seed).start()) {
            VersionedValue first = mine.readValue();
            dropFirstUpdateReplyAfter(faults,
                    () -> other.setData("/config/lost", "other".getBytes(StandardCharsets.UTF_8), -1));
            assertTrue(mine.trySetValue(first, "mine".getBytes(StandardCharsets.UTF_8)), "our write did apply");
            other.sync("/config/lost");
            assertEquals("other", new String(other.getData("/config/lost").data(), StandardCharsets.UTF_8));
            assertEquals(first.version() + 2, other.exists("/config/lost").version());
        }
    }

    /** The counter's update ops: a versioned setData, or a transaction carrying one. */
    private static boolean isUpdate(int op) {
        return op == OpCode.SET_DATA || op == OpCode.MULTI;
    }

    /**
     * Drops the reply to the faulty client's first update once {@code otherWrite} (another
     * client's write) has landed after it, so the lost update is no longer the last one.
     */
    private static void dropFirstUpdateReplyAfter(FaultInjector faults, Runnable otherWrite) {
        AtomicInteger seen = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> {
            if (!isUpdate(op) || seen.getAndIncrement() != 0) {
                return false;
            }
            otherWrite.run(); // another client, so it does not wait for this event loop
            return true;
        });
    }

    @Test
    void sharedValueVersionedSetAndListener() throws Exception {
        byte[] seed = "v0".getBytes(StandardCharsets.UTF_8);
        try (SharedValue a = new SharedValue(server.client(), "/config/shared", seed).start();
             SharedValue b = new SharedValue(server.client(), "/config/shared", seed).start()) {
            List<String> seenByB = new CopyOnWriteArrayList<>();
            b.addListener(v -> seenByB.add(new String(v.value(), StandardCharsets.UTF_8)));
            VersionedValue first = a.getValue();
            assertArrayEquals(seed, first.value());
            assertTrue(a.trySetValue(first, "v1".getBytes(StandardCharsets.UTF_8)));
            assertFalse(b.trySetValue(first, "stale".getBytes(StandardCharsets.UTF_8)), "stale version refused");
            await().atMost(Duration.ofSeconds(5)).until(() -> seenByB.contains("v1"));
            VersionedValue now = b.getValue();
            assertEquals("v1", new String(now.value(), StandardCharsets.UTF_8));
            assertTrue(b.trySetValue(now, "v2".getBytes(StandardCharsets.UTF_8)));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.getValue().version() == now.version() + 1);
            assertEquals(List.of("v1", "v2"), seenByB);
        }
    }
}
