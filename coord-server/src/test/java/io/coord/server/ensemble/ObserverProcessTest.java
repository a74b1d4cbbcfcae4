package io.coord.server.ensemble;

import static io.coord.server.ensemble.EnsembleCluster.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: 3 voters + 1 observer (member 4), each in its own JVM, driven by the stock ZooKeeper
 * client. The observer serves reads, forwards writes, shows itself in srvr, mntr and getConfig, and
 * never counts: with two voters down it and the third voter (two members, a majority of three if the
 * observer counted) commit nothing.
 */
class ObserverProcessTest {
    private static final int OBSERVER = 4;
    private static final byte[] V = "v".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    EnsembleCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new EnsembleCluster(dir, 4, EnsembleCluster.TICK_TIME_MS, 1);
        cluster.startAll();
        awaitEnsemble();
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private void awaitEnsemble() {
        cluster.awaitLeaderAnd("no ensemble with its observer",
                () -> cluster.count("follower") == 2 && "observer".equals(cluster.mode(OBSERVER)));
    }

    private static void create(ZooKeeper zk, String path) throws Exception {
        zk.create(path, V, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    private static void sync(ZooKeeper zk) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        zk.sync("/", (rc, path, ctx) -> done.countDown(), null);
        assertTrue(done.await(20, TimeUnit.SECONDS), "sync answered");
    }

    @Test
    void observerServesReadsForwardsWritesAndShowsItself() throws Exception {
        int leader = cluster.leader();
        assertTrue(cluster.fourLetterWord(OBSERVER, "srvr").contains("Mode: observer"),
                cluster.fourLetterWord(OBSERVER, "srvr"));
        String mntr = cluster.fourLetterWord(leader, "mntr");
        assertTrue(mntr.contains("zk_synced_observers\t1"), mntr);
        assertTrue(mntr.contains("zk_synced_followers\t2"), mntr);
        assertTrue(mntr.contains("zk_quorum_size\t3"), mntr);
        assertTrue(cluster.fourLetterWord(OBSERVER, "mntr").contains("zk_peer_state\tobserving - broadcast"));

        try (ZooKeeper obs = connect(cluster.connectString(OBSERVER));
             ZooKeeper voter = connect(cluster.connectString(leader))) {
            create(obs, "/viaObserver"); // forwarded to the leader, answered by the observer once it applied it
            assertArrayEquals(V, obs.getData("/viaObserver", false, null));
            sync(voter);
            assertNotNull(voter.exists("/viaObserver", false));
            create(voter, "/viaVoter");
            sync(obs);
            assertArrayEquals(V, obs.getData("/viaVoter", false, null), "the observer learned the voter's write");

            String config = new String(obs.getConfig(false, null), StandardCharsets.UTF_8);
            for (int id = 1; id <= 3; id++) {
                assertTrue(config.contains("server." + id + "=127.0.0.1:" + cluster.quorumPort(id) + ":"
                        + cluster.electionPort(id) + ":participant\n"), config);
            }
            assertTrue(config.contains("server.4=127.0.0.1:" + cluster.quorumPort(OBSERVER) + ":"
                    + cluster.electionPort(OBSERVER) + ":observer\n"), config);
            assertTrue(config.endsWith("version=0"), config);
        }
    }

    @Test
    void losingTheObserverCostsNothingAndItCatchesUp() throws Exception {
        int leader = cluster.leader();
        int follower = leader == 1 ? 2 : 1;
        cluster.kill9(OBSERVER);
        try (ZooKeeper voter = connect(cluster.connectString(follower))) {
            for (int i = 0; i < 20; i++) {
                create(voter, "/whileObserverDown" + i);
            }
        }
        cluster.start(OBSERVER);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "observer".equals(cluster.mode(OBSERVER)));
        try (ZooKeeper obs = connect(cluster.connectString(OBSERVER))) {
            sync(obs);
            for (int i = 0; i < 20; i++) {
                assertNotNull(obs.exists("/whileObserverDown" + i, false), "the restarted observer has write " + i);
            }
        }
    }

    @Test
    void observerAndOneVoterCommitNothing() throws Exception {
        int leader = cluster.leader();
        ZooKeeper obs = connect(cluster.connectString(OBSERVER));
        try {
            create(obs, "/beforeLoss");
            int[] others = java.util.stream.IntStream.rangeClosed(1, 3).filter(id -> id != leader).toArray();
            for (int id : others) {
                cluster.kill9(id);
            }
            // The leader hears no quorum any more and steps down; the observer loses its leader.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "looking".equals(cluster.mode(leader)) && "looking".equals(cluster.mode(OBSERVER)));
            assertThrows(KeeperException.ConnectionLossException.class, () -> create(obs, "/noQuorum"),
                    "an observer and one voter are no quorum");
            assertEquals("looking", cluster.mode(leader), "the lone voter did not lead with the observer's help");

            for (int id : others) {
                cluster.start(id);
            }
            awaitEnsemble();
            try (ZooKeeper check = connect(cluster.connectString(OBSERVER))) {
                sync(check);
                assertNotNull(check.exists("/beforeLoss", false));
                assertNull(check.exists("/noQuorum", false), "nothing was committed without a voter quorum");
            }
        } finally {
            obs.close();
        }
    }
}
