package io.coord.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.admin.ZooKeeperAdminOracle;
import io.coord.server.admin.ZooKeeperMetricGaps;
import io.coord.server.compat.StockClients;
import io.coord.server.quorum.InProcessEnsemble;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ZooKeeper 3.9.5 ensemble (three QuorumPeerMain JVMs) as the oracle for the {@code mntr}
 * keys of a leader and of a follower: Coord's 3-member ensemble, after the same writes through a
 * follower, reports a leader's keys less the declared gaps ({@link ZooKeeperMetricGaps}) plus
 * Coord's own, and the same for a follower. Keyed sets (ack_latency, per namespace, per learner)
 * show only once a key is recorded, so they are compared by name only. It also checks that the
 * leader-only keys recorded from ZooKeeper's source ({@link ZooKeeperAdminOracle#QUORUM_MONITOR_KEYS})
 * are what a real leader adds. Three JVMs with C1 only and 200 ms ticks: about 5 s here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnsembleMonitorKeysTest {
    private static final int WRITES = 5;
    private ZooKeeperEnsembleProcesses zk;
    private InProcessEnsemble coord;
    private int zkLeader;
    private int coordLeader;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        zk = new ZooKeeperEnsembleProcesses(dir);
        coord = new InProcessEnsemble(dir.resolve("coord"), 3, 100_000, 64L << 20);
        coord.startAll();
        coord.awaitServing(coord.all());
        zk.awaitServing();
        zkLeader = zk.leader();
        coordLeader = coord.leader(coord.all());
        write(zk.connectString(follower(zkLeader)));
        write(coord.connectString(follower(coordLeader)));
    }

    @AfterAll
    void stop() throws Exception {
        if (coord != null) {
            coord.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    private static int follower(int leader) {
        return leader == 1 ? 2 : 1;
    }

    /** The same writes on both: a session, watched creates and changes, through a follower. */
    private static void write(String connect) throws Exception {
        ZooKeeper z = StockClients.connected(w -> new ZooKeeper(connect, 30_000, w), e -> { },
                Duration.ofSeconds(30), connect);
        try {
            for (int i = 0; i < WRITES; i++) {
                z.exists("/keys-" + i, true);
                z.create("/keys-" + i, new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                z.getData("/keys-" + i, true, null);
                z.setData("/keys-" + i, new byte[20], -1);
            }
        } finally {
            z.close();
        }
    }

    @Test
    void leaderHasAZooKeeperLeadersKeysLessTheDeclaredGaps() {
        Set<String> coordOwn = new TreeSet<>(ZooKeeperAdminOracle.COORD_MONITOR_KEYS);
        coordOwn.addAll(ZooKeeperAdminOracle.COORD_LEADER_MONITOR_KEYS);
        for (int f : coord.all()) {
            if (f != coordLeader) {
                coordOwn.add("coord_follower_" + f + "_lag_zxids");
                coordOwn.add("coord_follower_" + f + "_lag_ms");
            }
        }
        compare("leader", keys(zk.monitor(zkLeader)), keys(mntr(coordLeader)), coordOwn);
    }

    @Test
    void followerHasAZooKeeperFollowersKeysLessTheDeclaredGaps() {
        compare("follower", keys(zk.monitor(follower(zkLeader))), keys(mntr(follower(coordLeader))),
                ZooKeeperAdminOracle.COORD_MONITOR_KEYS);
    }

    /** What a real leader reports beyond a real follower is the leader keys recorded from ZooKeeper's source. */
    @Test
    void recordedLeaderKeysAreARealLeadersKeys() {
        assertEquals("2", zk.monitor(zkLeader).get("zk_synced_followers"), "a real ensemble of three");
        assertEquals("2", mntr(coordLeader).get("zk_synced_followers"));
        Set<String> leader = unkeyed(keys(zk.monitor(zkLeader)));
        Set<String> follower = unkeyed(keys(zk.monitor(follower(zkLeader))));
        Set<String> leaderOnly = new TreeSet<>(leader);
        leaderOnly.removeAll(follower);
        Set<String> recorded = new TreeSet<>(ZooKeeperAdminOracle.QUORUM_MONITOR_KEYS);
        recorded.removeAll(Set.of("peer_state", "quorum_size"));
        assertEquals(recorded, leaderOnly);
        assertTrue(follower.containsAll(Set.of("peer_state", "quorum_size")), follower.toString());
        Set<String> followerOnly = new TreeSet<>(follower);
        followerOnly.removeAll(leader);
        assertEquals(Set.of(), followerOnly, "a follower's keys a leader does not have");
    }

    /**
     * Coord's keys less ZooKeeper's are Coord's own (and members of ZooKeeper's keyed sets); every
     * key ZooKeeper has that Coord lacks is declared; and Coord's keyed sets are ZooKeeper's.
     */
    private static void compare(String role, Set<String> zkKeys, Set<String> coordKeys, Set<String> coordOwn) {
        assertTrue(zkKeys.contains("server_state") && coordKeys.contains("server_state"), role);
        Set<String> unknown = new TreeSet<>(coordKeys);
        unknown.removeAll(zkKeys);
        unknown.removeIf(k -> ZooKeeperMetricGaps.keyedSet(ZooKeeperMetricGaps.baseName(k, coordKeys)) != null);
        assertEquals(coordOwn, unknown, role + ": keys ZooKeeper's " + role + " does not have");
        assertEquals(ZooKeeperMetricGaps.baseNames(), ZooKeeperMetricGaps.missingBaseNames(zkKeys, coordKeys),
                role + ": ZooKeeper's keys Coord lacks, against the declared gaps");
        Set<String> zkSets = keyedSets(zkKeys);
        zkSets.removeAll(ZooKeeperMetricGaps.LEADER_SETS_NOT_YET_MEASURED);
        assertTrue(keyedSets(coordKeys).containsAll(zkSets), role + ": ZooKeeper's keyed sets " + zkSets
                + ", Coord's " + keyedSets(coordKeys));
    }

    private static Set<String> keyedSets(Set<String> keys) {
        Set<String> sets = new TreeSet<>();
        for (String k : keys) {
            String set = ZooKeeperMetricGaps.keyedSet(ZooKeeperMetricGaps.baseName(k, keys));
            if (set != null) {
                sets.add(set);
            }
        }
        return sets;
    }

    private static Set<String> unkeyed(Set<String> keys) {
        Set<String> out = new TreeSet<>(keys);
        out.removeIf(k -> ZooKeeperMetricGaps.keyedSet(ZooKeeperMetricGaps.baseName(k, keys)) != null);
        return out;
    }

    private Map<String, String> mntr(int id) {
        return ZooKeeperEnsembleProcesses.parseMonitor(coord.fourLetterWord(id, "mntr"));
    }

    /** mntr's keys without ZooKeeper's zk_ prefix, as the monitor command names them. */
    private static Set<String> keys(Map<String, String> mntr) {
        Set<String> keys = new TreeSet<>();
        mntr.keySet().forEach(k -> keys.add(k.substring("zk_".length())));
        return keys;
    }
}
