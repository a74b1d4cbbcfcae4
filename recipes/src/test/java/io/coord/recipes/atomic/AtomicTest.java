package io.coord.recipes.atomic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        faults.dropInsteadOfReply((op, path) -> op == OpCode.SET_DATA && dropped.getAndIncrement() == 0);
        assertEquals(6, c.increment());
        assertTrue(dropped.get() >= 1);
        assertEquals(6, new DistributedAtomicLong(syncedClient("/counters/y"), "/counters/y").get());
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
