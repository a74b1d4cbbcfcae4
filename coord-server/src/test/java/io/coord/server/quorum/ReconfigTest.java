package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ConfigException;
import io.coord.server.config.DynamicConfig;
import io.coord.server.config.DynamicConfigFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic reconfiguration driven by the stock ZooKeeper 3.9.5 client's {@code ZooKeeperAdmin.reconfigure}
 * against in-process members started from zoo.cfg files ({@link DynamicEnsemble}).
 */
class ReconfigTest {

    @Test
    void growChangeRoleShrinkAndRestartFromTheDynamicFile(@TempDir Path dir) throws Exception {
        try (DynamicEnsemble e = new DynamicEnsemble(dir)) {
            int leader = e.startThree();
            try (ZooKeeperAdmin admin = superAdmin(e.connectString(1, 2, 3))) {
                DynamicConfig initial = established(admin);
                assertEquals(Set.of(1L, 2L, 3L), initial.servers().keySet());
                admin.create("/before", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                // A joiner starts with the ensemble plus itself, syncs as a non-voting follower, then joins.
                e.create(4, 1, 2, 3, 4);
                awaitNonVoting(e, leader, 1);
                // Outside the configuration it follows without a vote and serves clients, as ZooKeeper's joiner.
                e.awaitMode(4, "follower");
                CountDownLatch configWatch = new CountDownLatch(1);
                admin.getConfig(event -> configWatch.countDown(), new Stat());
                Stat grownStat = new Stat();
                DynamicConfig grown = config(admin.reconfigure(e.serverLine(4), null, null, -1, grownStat));
                assertEquals(Set.of(1L, 2L, 3L, 4L), grown.servers().keySet());
                assertEquals(e.serverLine(4), "server.4=" + grown.text().lines()
                        .filter(l -> l.startsWith("server.4=")).findFirst().orElseThrow().substring(9));
                assertTrue(grown.version() > 0);
                assertEquals(grown.version(), grownStat.getMzxid(), "version= is the zxid of the reconfig");
                assertEquals(-1, grownStat.getVersion(), "ZooKeeper's reconfig leaves the data version at -1");
                assertTrue(configWatch.await(10, TimeUnit.SECONDS), "a data watch on /zookeeper/config fires");
                assertEquals(grown, config(admin.getConfig(false, new Stat())));

                // Writes go on, and the new member serves them.
                admin.create("/after", "x".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                try (ZooKeeperAdmin onFour = superAdmin(e.connectString(4))) {
                    onFour.sync("/", (rc, path, ctx) -> { }, null);
                    assertEquals("x", new String(onFour.getData("/after", false, null), StandardCharsets.UTF_8));
                    assertEquals(grown, config(onFour.getConfig(false, new Stat())));
                }
                assertThrows(KeeperException.BadVersionException.class,
                        () -> admin.reconfigure(null, "4", null, initial.version(), new Stat()));

                // Participant -> observer -> participant (incremental, then non-incremental).
                DynamicConfig observed = config(admin.reconfigure(e.serverLine(4, "observer"), null, null,
                        grown.version(), new Stat()));
                assertTrue(observed.servers().get(4L).observer());
                e.awaitMode(4, "observer");
                assertTrue(e.fourLetterWord(4, "mntr") != null);
                DynamicConfig voting = config(admin.reconfigure(null, null, e.serverLines(1, 2, 3, 4), -1,
                        new Stat()));
                assertFalse(voting.servers().get(4L).observer());
                e.awaitMode(4, "follower");

                // Leaving: the removed member stops serving; the others go on.
                DynamicConfig shrunk = config(admin.reconfigure(null, "4", null, -1, new Stat()));
                assertEquals(Set.of(1L, 2L, 3L), shrunk.servers().keySet());
                // The removed member follows on without a vote (ZooKeeper's learningState) until stopped.
                awaitNonVoting(e, leader, 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(e.configFile(4))
                        .contains(Long.toHexString(shrunk.version())));
                e.stop(4);
                // Started again from the zoo.cfg it rewrote, it is refused, as ZooKeeper 3.9.5's ("My id 4
                // not in the peer list"), naming what to do instead.
                ConfigException refused = assertThrows(ConfigException.class, () -> e.start(4));
                assertTrue(refused.getMessage().contains("id 4 is not in the peer list") && refused.getMessage()
                        .contains("start it as a joiner"), refused.getMessage());
                admin.create("/shrunk", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                // Every member wrote the dynamic file and pointed its zoo.cfg at it (ZooKeeper's editStaticConfig).
                Path dynamic = DynamicConfigFiles.dynamicFile(e.configFile(2), shrunk.version());
                assertEquals(shrunk.withVersion(0), DynamicConfig.parse(Files.readString(dynamic)));
                String zooCfg = Files.readString(e.configFile(2));
                assertTrue(zooCfg.contains("dynamicConfigFile=" + dynamic.toAbsolutePath()), zooCfg);
                assertFalse(zooCfg.contains("server."), zooCfg);

                // A restarted member starts from the newest dynamic file.
                e.stop(2);
                e.start(2);
                e.awaitServing(1, 2, 3);
                try (ZooKeeperAdmin onTwo = superAdmin(e.connectString(2))) {
                    assertEquals(shrunk, config(onTwo.getConfig(false, new Stat())));
                    assertTrue(onTwo.exists("/shrunk", false) != null || syncThenExists(onTwo, "/shrunk"));
                }
            }
            assertEquals(List.of(), e.fatals);
        }
    }

    @Test
    void joinersOneAtATimeThenTheLeaderLeaves(@TempDir Path dir) throws Exception {
        try (DynamicEnsemble e = new DynamicEnsemble(dir)) {
            int first = e.startThree();
            try (ZooKeeperAdmin admin = superAdmin(e.connectString(1, 2, 3))) {
                established(admin);
                e.create(4, 1, 2, 3, 4);
                awaitNonVoting(e, first, 1);
                DynamicConfig four = config(admin.reconfigure(e.serverLine(4), null, null, -1, new Stat()));
                // Member 5's config (1..3 and itself, version 0) is older than the ensemble's, which does
                // not name it: it learns the ensemble's from the votes, syncs as a non-voting follower
                // (serving no clients yet), and is added.
                e.create(5, 1, 2, 3, 5);
                // Voters 1 and 5 only (the others observe): NEWCONFIGNOQUORUM until 5 has synced with the
                // leader, which it can only do as a member outside the configuration.
                String oneAndFive = String.join(",", e.serverLine(1), e.serverLine(5), e.serverLine(2, "observer"),
                        e.serverLine(3, "observer"), e.serverLine(4, "observer"));
                DynamicConfig twoVoters = config(await().atMost(Duration.ofSeconds(30))
                        .ignoreException(KeeperException.NewConfigNoQuorum.class)
                        .until(() -> admin.reconfigure(null, null, oneAndFive, -1, new Stat()), b -> b != null));
                assertEquals(Set.of(1L, 5L), twoVoters.voters());
                assertTrue(twoVoters.version() > four.version());
                // The leader (2, 3 or 4, now an observer) stepped down: clients reconnect after the election.
                // Observers become voters one at a time: as in ZooKeeper (Leader.isQuorumSynced), only
                // synced followers count toward the new voters' quorum, observers do not.
                DynamicConfig five = null;
                for (int id = 2; id <= 4; id++) {
                    String line = e.serverLine(id);
                    five = config(await().atMost(Duration.ofSeconds(30))
                            .ignoreExceptionsMatching(x -> x instanceof KeeperException.ConnectionLossException
                                    || x instanceof KeeperException.NewConfigNoQuorum) // still re-syncing
                            .until(() -> admin.reconfigure(line, null, null, -1, new Stat()), b -> b != null));
                }
                assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), five.voters());
                int leader = e.awaitServing(1, 2, 3, 4, 5);
                admin.create("/five", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                // The leader leaves: it steps down once the change commits, the others elect a new one.
                int[] rest = java.util.stream.IntStream.rangeClosed(1, 5).filter(id -> id != leader).toArray();
                // Asked on the leader itself: the reply leaves before it steps down and drops its clients.
                DynamicConfig without;
                try (ZooKeeperAdmin onLeader = superAdmin(e.connectString(leader))) {
                    without = config(onLeader.reconfigure(null, String.valueOf(leader), null, -1, new Stat()));
                }
                assertFalse(without.servers().containsKey((long) leader));
                int next = e.awaitServing(rest);
                assertNotEquals(leader, next);
                awaitNonVoting(e, next, 1); // the old leader, following without a vote
                try (ZooKeeperAdmin onRest = superAdmin(e.connectString(rest))) {
                    onRest.create("/after-leader-left", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                    assertTrue(onRest.exists("/five", false) != null);
                }
            }
            assertEquals(List.of(), e.fatals);
        }
    }

    @Test
    void refusalsAsZooKeeperAnswersThem(@TempDir Path dir) throws Exception {
        try (DynamicEnsemble e = new DynamicEnsemble(dir)) {
            int leader = e.startThree();
            try (ZooKeeperAdmin admin = superAdmin(e.connectString(leader));
                 ZooKeeperAdmin anonymous = admin(e.connectString(1, 2, 3))) {
                DynamicConfig initial = established(admin);
                assertThrows(KeeperException.NoAuthException.class,
                        () -> anonymous.reconfigure(null, "3", null, -1, new Stat()));
                // Members 5 and 6 are not running: the new voters synced with the leader are no quorum.
                assertThrows(KeeperException.NewConfigNoQuorum.class,
                        () -> admin.reconfigure(null, null, e.serverLines(1, 5, 6), -1, new Stat()));
                assertThrows(KeeperException.BadArgumentsException.class,
                        () -> admin.reconfigure("server.5=nonsense", null, null, -1, new Stat()));
                assertThrows(KeeperException.BadArgumentsException.class,
                        () -> admin.reconfigure(null, "2,3", null, -1, new Stat()), "fewer than two voters");
                DynamicConfig before = config(admin.getConfig(false, new Stat()));
                assertEquals(initial, before, "no refused reconfig changed the configuration");

                // Two at once: the second is prepared while the first is pending.
                int[] codes = new int[2];
                CountDownLatch done = new CountDownLatch(2);
                for (int i = 0; i < 2; i++) {
                    int n = i;
                    AsyncCallback.DataCallback cb = (rc, path, ctx, data, stat) -> {
                        codes[n] = rc;
                        done.countDown();
                    };
                    admin.reconfigure(null, null, e.serverLines(1, 2, 3), -1, cb, null);
                }
                assertTrue(done.await(10, TimeUnit.SECONDS));
                assertEquals(KeeperException.Code.OK.intValue(), codes[0]);
                assertEquals(KeeperException.Code.RECONFIGINPROGRESS.intValue(), codes[1]);
                assertTrue(config(admin.getConfig(false, new Stat())).version() > initial.version());
            }
            assertEquals(List.of(), e.fatals);
        }
    }

    @Test
    void disabledByDefault(@TempDir Path dir) throws Exception {
        try (DynamicEnsemble e = new DynamicEnsemble(dir).withoutReconfig()) {
            e.startThree();
            try (ZooKeeperAdmin admin = superAdmin(e.connectString(1, 2, 3))) {
                KeeperException k = assertThrows(KeeperException.class,
                        () -> admin.reconfigure(null, "3", null, -1, new Stat()));
                assertEquals(KeeperException.Code.RECONFIGDISABLED, k.code());
                assertEquals(3, config(admin.getConfig(false, new Stat())).servers().size());
            }
        }
    }

    /**
     * The configuration once the first leader established it: ZooKeeper's leader gives a version-0
     * configuration a version of its epoch (ZOOKEEPER-1783), which members write to their dynamic files.
     */
    static DynamicConfig established(ZooKeeperAdmin admin) {
        DynamicConfig c = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> config(admin.getConfig(false, new Stat())), d -> d.version() > 0);
        assertEquals(1, c.version() >>> 32, "a version of the first epoch: " + Long.toHexString(c.version()));
        return c;
    }

    /** Waits until the leader's mntr counts {@code n} synced members outside its configuration. */
    private static void awaitNonVoting(DynamicEnsemble e, int leader, int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(e.fourLetterWord(leader, "mntr"))
                .contains("zk_synced_non_voting_followers\t" + n));
    }

    static boolean syncThenExists(ZooKeeperAdmin zk, String path) throws Exception {
        CountDownLatch synced = new CountDownLatch(1);
        zk.sync(path, (rc, p, ctx) -> synced.countDown(), null);
        synced.await(10, TimeUnit.SECONDS);
        return zk.exists(path, false) != null;
    }

    static DynamicConfig config(byte[] text) {
        return DynamicConfig.parse(new String(text, StandardCharsets.UTF_8));
    }

    static ZooKeeperAdmin superAdmin(String connect) throws Exception {
        ZooKeeperAdmin zk = admin(connect);
        zk.addAuthInfo("digest", DynamicEnsemble.SUPER_AUTH.getBytes(StandardCharsets.UTF_8));
        return zk;
    }

    private static ZooKeeperAdmin admin(String connect) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeperAdmin zk = new ZooKeeperAdmin(connect, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(15, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no connection to " + connect);
        }
        return zk;
    }
}
