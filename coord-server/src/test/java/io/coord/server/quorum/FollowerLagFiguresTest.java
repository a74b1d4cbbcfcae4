package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.server.admin.MonitorValues;
import io.coord.server.admin.StatusSource;
import io.coord.server.storage.HeldForceLogIo;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower whose disk stalls falls behind the leader: the leader's monitor shows its lag in zxids
 * and ms (and the maxima) while the other follower keeps up, and both go back to 0 once it catches up.
 */
class FollowerLagFiguresTest {
    @TempDir
    Path dir;

    @Test
    void aStalledFollowerLagsInZxidsAndMsThenCatchesUp() throws Exception {
        HeldForceLogIo[] disks = {null, new HeldForceLogIo(30), new HeldForceLogIo(30), new HeldForceLogIo(30)};
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, 100_000, 64 << 20)) {
            e.hooks(id -> (what, cause) -> { }, id -> disks[id]);
            e.startAll();
            e.awaitServing(e.all());
            int leader = e.leader(e.all());
            int[] followers = Arrays.stream(e.all()).filter(id -> id != leader).toArray();
            int stalled = followers[0];
            int other = followers[1];
            String stalledZxids = "coord_follower_" + stalled + "_lag_zxids";
            String stalledMs = "coord_follower_" + stalled + "_lag_ms";
            String otherZxids = "coord_follower_" + other + "_lag_zxids";
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor(e, leader).containsKey(stalledZxids)
                    && monitor(e, leader).containsKey(otherZxids));
            CountDownLatch release = new CountDownLatch(1);
            try (CoordClient c = InProcessEnsemble.client(e.connectString(leader))) {
                disks[stalled].hold.set(release);
                for (int i = 0; i < 3; i++) {
                    // Committed by the leader and the other follower; the stalled one acks none of them.
                    c.create("/lag" + i, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    Map<String, Object> m = monitor(e, leader);
                    return ((Number) m.get(stalledZxids)).longValue() >= 3
                            && ((Number) m.get(stalledMs)).longValue() > 0
                            && ((Number) m.get(otherZxids)).longValue() == 0;
                });
                Map<String, Object> behind = monitor(e, leader);
                assertEquals(behind.get(stalledZxids), behind.get("coord_follower_lag_zxids_max"), behind.toString());
                assertEquals(behind.get(stalledMs), behind.get("coord_follower_lag_ms_max"), behind.toString());
                assertFalse(monitor(e, stalled).containsKey("coord_follower_lag_zxids_max"), "only the leader reports lags");
            } finally {
                disks[stalled].hold.set(null);
                release.countDown();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Map<String, Object> m = monitor(e, leader);
                return ((Number) m.get("coord_follower_lag_zxids_max")).longValue() == 0
                        && ((Number) m.get("coord_follower_lag_ms_max")).longValue() == 0;
            });
            Map<String, Object> caughtUp = monitor(e, leader);
            assertEquals(0L, ((Number) caughtUp.get(stalledZxids)).longValue(), caughtUp.toString());
            assertTrue(((Number) caughtUp.get("coord_group_commit_batches")).longValue() > 0, caughtUp.toString());
        }
    }

    private static Map<String, Object> monitor(InProcessEnsemble e, int id) throws Exception {
        return MonitorValues.of(e.member(id).statusSource().status(StatusSource.Scope.SUMMARY)
                .get(10, TimeUnit.SECONDS));
    }
}
