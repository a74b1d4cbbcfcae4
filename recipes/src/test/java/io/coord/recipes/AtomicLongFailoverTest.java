package io.coord.recipes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.RetryNTimes;
import io.coord.recipes.atomic.DistributedAtomicLong;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clients increment one counter of a 3-member ensemble while its leader is stopped and
 * restarted: requests in flight to (or through) the leader lose their replies, and the other
 * client keeps writing meanwhile. Every increment that returned must be counted once, and none
 * that threw (the counter fences a lost attempt before giving up) may be counted. Prints one
 * {@code FAILOVER_COUNTER} line. Bigger runs:
 * {@code -Dcoord.recipes.failover.increments=1000 -Dcoord.recipes.failover.kills=4}.
 */
class AtomicLongFailoverTest {
    private static final String PATH = "/counters/failover";
    @TempDir
    Path dir;

    @Test
    void incrementsUnderLeaderRestartsAreCountedExactlyOnce() throws Exception {
        int perClient = Integer.getInteger("coord.recipes.failover.increments", 500);
        int kills = Integer.getInteger("coord.recipes.failover.kills", 4);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ClientOptions options = ClientOptions.builder().sessionTimeoutMs(10_000).connectionTimeoutMs(10_000)
                .retryPolicy(new RetryNTimes(100, 100)).build();
        try (TestEnsemble ensemble = TestEnsemble.start(dir, 200, 200);
             CoordClient a = CoordClient.connect(ensemble.connectString(), options);
             CoordClient b = CoordClient.connect(ensemble.connectString(), options)) {
            AtomicInteger returned = new AtomicInteger();
            AtomicInteger threw = new AtomicInteger();
            List<Future<?>> runs = new ArrayList<>();
            for (CoordClient c : List.of(a, b)) {
                DistributedAtomicLong counter = new DistributedAtomicLong(c, PATH);
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        try {
                            counter.increment();
                            returned.incrementAndGet();
                        } catch (RuntimeException e) {
                            threw.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            int total = 2 * perClient;
            for (int k = 1; k <= kills; k++) {
                int due = k * total / (kills + 1);
                await().atMost(Duration.ofSeconds(120)).until(() -> returned.get() >= due);
                int leader = awaitLeader(ensemble);
                ensemble.stop(leader);
                await().atMost(Duration.ofSeconds(30)).until(() -> ensemble.leaderIndex() >= 0); // the other two elected
                ensemble.restart(leader);
            }
            for (Future<?> r : runs) {
                r.get(300, TimeUnit.SECONDS);
            }
            a.sync(PATH);
            long value = new DistributedAtomicLong(a, PATH).get();
            System.out.println("FAILOVER_COUNTER returned=" + returned.get() + " threw=" + threw.get()
                    + " value=" + value + " kills=" + kills);
            assertEquals(total, returned.get() + threw.get());
            assertTrue(returned.get() > 0);
            assertEquals(returned.get(), value, "every increment that returned counted once, none that threw");
        } finally {
            pool.shutdownNow();
        }
    }

    private static int awaitLeader(TestEnsemble ensemble) {
        int[] leader = new int[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> (leader[0] = ensemble.leaderIndex()) >= 0);
        return leader[0];
    }
}
