package io.coord.server.ensemble;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.RetryNTimes;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover time with the shipped tickTime (2000 ms): kill -9 the leader of a 3-member ensemble under
 * a steady writer whose client reconnects at once, and measure from the kill to the first
 * acknowledged write that was sent after the kill. Prints one {@code FAILOVER_MS=} line per run and a
 * summary. {@code -Dcoord.failover.runs=N} kills N leaders in a row (each restarted in between):
 * <pre>
 * mvn -q -B -o test -pl coord-server -am -Dtest=FailoverTimeTest -Dsurefire.failIfNoSpecifiedTests=false -Dcoord.failover.runs=7
 * </pre>
 */
class FailoverTimeTest {
    private static final int SHIPPED_TICK_TIME_MS = 2000;

    @TempDir
    Path dir;

    @Test
    void leaderKillToFirstAcknowledgedWrite() throws Exception {
        int runs = Integer.getInteger("coord.failover.runs", 1);
        List<Long> results = new ArrayList<>();
        try (EnsembleCluster cluster = new EnsembleCluster(dir, 3, SHIPPED_TICK_TIME_MS)) {
            cluster.startAll();
            awaitServing(cluster);
            ClientOptions options = ClientOptions.builder().sessionTimeoutMs(30_000).connectionTimeoutMs(30_000)
                    .retryPolicy(new RetryNTimes(0, 0)).build();
            try (CoordClient client = CoordClient.connect(cluster.connectString(), options)) {
                client.create("/fo", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
                AtomicLong firstAckAfterKill = new AtomicLong();
                AtomicLong acked = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                Thread writer = new Thread(() -> {
                    long n = 0;
                    while (!stop.get()) {
                        long sentAt = System.nanoTime();
                        try {
                            client.create("/fo/w" + (n++), new byte[8], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                            acked.incrementAndGet();
                            if (sentAt > killedAt.get()) {
                                firstAckAfterKill.compareAndSet(0, System.nanoTime());
                            }
                        } catch (CoordException e) {
                            LockSupport.parkNanos(1_000_000); // connection loss: retry (almost) at once, new path
                        }
                    }
                }, "failover-writer");
                writer.start();
                try {
                    for (int run = 1; run <= runs; run++) {
                        results.add(killLeaderOnce(cluster, run, acked, killedAt, firstAckAfterKill));
                    }
                } finally {
                    stop.set(true);
                    writer.join(30_000);
                }
            }
        }
        List<Long> sorted = new ArrayList<>(results);
        Collections.sort(sorted);
        long median = sorted.get(sorted.size() / 2);
        long max = sorted.get(sorted.size() - 1);
        System.out.println("FAILOVER_SUMMARY runs=" + runs + " tickTime=" + SHIPPED_TICK_TIME_MS + " median_ms=" + median
                + " max_ms=" + max + " all=" + results);
        // Loose bound: the machine running the suite is shared; the target (300 ms) is what the printout shows.
        assertTrue(median < 5_000, "failover took " + results + " ms");
    }

    private long killLeaderOnce(EnsembleCluster cluster, int run, AtomicLong acked, AtomicLong killedAt,
                                AtomicLong firstAckAfterKill) throws Exception {
        long before = acked.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.get() >= before + 100);
        int leader = cluster.leader();
        assertTrue(leader > 0, "no leader");
        firstAckAfterKill.set(0);
        killedAt.set(System.nanoTime());
        cluster.kill9(leader);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> firstAckAfterKill.get() != 0);
        long ms = (firstAckAfterKill.get() - killedAt.get()) / 1_000_000;
        killedAt.set(Long.MAX_VALUE);
        System.out.println("FAILOVER_MS=" + ms + " (run " + run + ", leader " + leader + " killed)");
        cluster.start(leader);
        awaitServing(cluster);
        return ms;
    }

    private static void awaitServing(EnsembleCluster cluster) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                int serving = 0;
                for (int id = 1; id <= cluster.size(); id++) {
                    String mode = cluster.alive(id) ? cluster.mode(id) : null;
                    if ("leader".equals(mode) || "follower".equals(mode)) {
                        serving++;
                    }
                }
                return cluster.leader() > 0 && serving == cluster.size();
            });
        } catch (RuntimeException e) {
            throw new AssertionError("ensemble not serving: " + cluster.outputs(), e);
        }
    }
}
