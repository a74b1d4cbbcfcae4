package io.coord.recipes.barrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.recipes.RecipeTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BarrierTest extends RecipeTestBase {
    @Test
    void barrierHoldsWaitersUntilRemoved() throws Exception {
        DistributedBarrier setter = new DistributedBarrier(server.client(), "/barriers/b");
        setter.setBarrier();
        setter.setBarrier(); // idempotent
        assertTrue(setter.isSet());
        List<Future<Boolean>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // Synced: each waiter must see the setter's barrier (another session's write).
            DistributedBarrier b = new DistributedBarrier(syncedClient("/barriers/b"), "/barriers/b");
            waiters.add(pool.submit(() -> b.waitOnBarrier(10, TimeUnit.SECONDS)));
        }
        assertFalse(new DistributedBarrier(syncedClient("/barriers/b"), "/barriers/b")
                .waitOnBarrier(200, TimeUnit.MILLISECONDS));
        waiters.forEach(w -> assertFalse(w.isDone()));
        setter.removeBarrier();
        for (Future<Boolean> w : waiters) {
            assertTrue(w.get(5, TimeUnit.SECONDS));
        }
        assertFalse(setter.isSet());
    }

    @Test
    void doubleBarrierReleasesOnlyWhenAllEnterAndAllLeave() throws Exception {
        int members = 3;
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger sawAllEntered = new AtomicInteger();
        AtomicInteger left = new AtomicInteger();
        List<Future<Boolean>> runs = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            DistributedDoubleBarrier b = new DistributedDoubleBarrier(server.client(), "/barriers/dbl", members);
            int delayMs = i * 150;
            runs.add(pool.submit(() -> {
                Thread.sleep(delayMs);
                entered.incrementAndGet();
                if (!b.enter(10, TimeUnit.SECONDS)) {
                    return false;
                }
                if (entered.get() == members) {
                    sawAllEntered.incrementAndGet();
                }
                Thread.sleep(delayMs);
                boolean ok = b.leave(10, TimeUnit.SECONDS);
                left.incrementAndGet();
                return ok;
            }));
        }
        for (Future<Boolean> r : runs) {
            assertTrue(r.get(20, TimeUnit.SECONDS));
        }
        assertEquals(members, sawAllEntered.get(), "nobody passed enter before everyone arrived");
        assertEquals(members, left.get());
    }

    @Test
    void doubleBarrierEnterTimesOutAndWithdraws() throws Exception {
        DistributedDoubleBarrier lonely = new DistributedDoubleBarrier(server.client(), "/barriers/dbl", 2);
        assertFalse(lonely.enter(200, TimeUnit.MILLISECONDS));
        assertEquals(0, lonely.members().size());
    }
}
