package io.coord.server.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ZooKeeper 3.9.5 writes a tree with every node type, digest ACLs and an open session; it
 * is stopped and imported; Coord then serves the same tree (every node's data, Stat and ACL) and
 * the same session reattaches with its password and still owns its ephemerals.
 */
class ZooKeeperImportTest {
    private static final byte[] ALICE = "alice:secret".getBytes(StandardCharsets.UTF_8);
    private static final int SESSION_TIMEOUT_MS = 30_000;

    /** One node as a client sees it. */
    record Seen(byte[] data, Stat stat, List<ACL> acl) {
    }

    static ZooKeeper connect(String connect, long sessionId, byte[] password) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        Watcher w = e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper zk = password == null ? new ZooKeeper(connect, SESSION_TIMEOUT_MS, w)
                : new ZooKeeper(connect, SESSION_TIMEOUT_MS, w, sessionId, password);
        assertTrue(connected.await(20, TimeUnit.SECONDS), "connected to " + connect);
        zk.addAuthInfo("digest", ALICE);
        return zk;
    }

    /** Builds the tree in a running ZooKeeper; returns the owner session's client (left open). */
    static ZooKeeper populate(String connect) throws Exception {
        byte[] v = "v".getBytes(StandardCharsets.UTF_8);
        ZooKeeper admin = connect(connect, 0, null);
        admin.create("/app", "root".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        org.apache.zookeeper.StatsTrack quota = new org.apache.zookeeper.StatsTrack();
        quota.setCount(1000);
        quota.setBytes(1 << 20);
        org.apache.zookeeper.cli.SetQuotaCommand.createQuota(admin, "/app", quota); // stats kept while nodes change
        admin.create("/app/cfg", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        admin.setData("/app/cfg", "v2".getBytes(StandardCharsets.UTF_8), 0);
        admin.setData("/app/cfg", "v3".getBytes(StandardCharsets.UTF_8), 1);
        admin.create("/app/seq-", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        admin.create("/app/seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        admin.create("/app/secret", "hidden".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.CREATOR_ALL_ACL,
                CreateMode.PERSISTENT);
        admin.create("/app/acl", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        admin.setACL("/app/acl", ZooDefs.Ids.READ_ACL_UNSAFE, 0);
        admin.create("/app/box", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
        admin.create("/app/box/item", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        admin.create("/app/ttl", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, null, 3_600_000);
        admin.create("/app/ttlseq-", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL,
                null, 3_600_000);
        admin.create("/app/gone", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        admin.delete("/app/gone", 0);
        admin.multi(List.of(Op.create("/app/m1", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData("/app", "multi".getBytes(StandardCharsets.UTF_8), 0)));
        ZooKeeper owner = connect(connect, 0, null);
        owner.create("/app/e", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        owner.create("/app/es-", v, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.EPHEMERAL_SEQUENTIAL);
        ZooKeeper closed = connect(connect, 0, null);
        closed.create("/app/closed", v, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        closed.close(); // a session that ended: its ephemeral is gone, it is not imported
        admin.close();
        return owner;
    }

    /** Every node under (and including) "/" as this client sees it, by path. */
    static Map<String, Seen> walk(ZooKeeper zk) throws Exception {
        Map<String, Seen> seen = new TreeMap<>();
        List<String> todo = new ArrayList<>(List.of("/"));
        while (!todo.isEmpty()) {
            String path = todo.remove(todo.size() - 1);
            Stat stat = new Stat();
            byte[] data = zk.getData(path, false, stat);
            Stat aclStat = new Stat();
            List<ACL> acl = zk.getACL(path, aclStat);
            seen.put(path, new Seen(data, stat, acl));
            for (String child : zk.getChildren(path, false)) {
                todo.add(path.equals("/") ? "/" + child : path + "/" + child);
            }
        }
        return seen;
    }

    static void assertSameTree(Map<String, Seen> expected, Map<String, Seen> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "the same paths");
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Seen> e : expected.entrySet()) {
            Seen want = e.getValue();
            Seen got = actual.get(e.getKey());
            if (!java.util.Arrays.equals(want.data(), got.data())) {
                differences.add("data of " + e.getKey());
            }
            if (!want.stat().equals(got.stat())) {
                differences.add("Stat of " + e.getKey() + ": " + want.stat() + " vs " + got.stat());
            }
            if (!want.acl().equals(got.acl())) {
                differences.add("ACL of " + e.getKey() + ": " + want.acl() + " vs " + got.acl());
            }
        }
        assertEquals(List.of(), differences, "node by node, ZooKeeper's vs Coord's");
    }

    static int admin(PrintStream out, String... args) {
        return AdminMain.run(args, out, out);
    }

    @Test
    void zooKeeperTreeAndOpenSessionComeBackInCoord(@TempDir Path tmp) throws Exception {
        Path zkDir = tmp.resolve("zk");
        Path coordDir = tmp.resolve("coord");
        Map<String, Seen> before;
        long sessionId;
        byte[] password;
        ZooKeeper owner;
        try (RealZooKeeper zk = new RealZooKeeper(zkDir)) {
            owner = populate(zk.connectString());
            sessionId = owner.getSessionId();
            password = owner.getSessionPasswd();
        }
        owner.getTestable().injectSessionExpiration(); // the client stops locally; the session stays open in ZooKeeper's files
        // Started again, ZooKeeper writes a snapshot of everything so far; the changes after it
        // go to a new log: the import reads both.
        try (RealZooKeeper zk = new RealZooKeeper(zkDir)) {
            ZooKeeper more = connect(zk.connectString(), 0, null);
            more.delete("/app/seq-0000000001", 0);
            more.create("/app/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            more.setData("/app/cfg", "v4".getBytes(StandardCharsets.UTF_8), 2);
            more.create("/app/box/item2", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            before = walk(more);
            more.close();
        }
        assertTrue(ZkFiles.byZxid(zkDir, "snapshot.").size() >= 2, "ZooKeeper wrote a snapshot with the tree");
        assertTrue(before.get("/app/e").stat().getEphemeralOwner() == sessionId);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = admin(new PrintStream(log, true, StandardCharsets.UTF_8), "import-zookeeper", "--from",
                zkDir.toString(), "--to", coordDir.toString());
        assertEquals(0, status, log.toString(StandardCharsets.UTF_8));
        assertTrue(!log.toString(StandardCharsets.UTF_8).contains("snapshot.0:"), "read the newer snapshot: " + log);
        ByteArrayOutputStream digest = new ByteArrayOutputStream();
        assertEquals(0, admin(new PrintStream(digest, true, StandardCharsets.UTF_8), "digest", coordDir.toString()));
        ByteArrayOutputStream verify = new ByteArrayOutputStream();
        assertEquals(0, admin(new PrintStream(verify, true, StandardCharsets.UTF_8), "verify", coordDir.toString()),
                verify.toString(StandardCharsets.UTF_8));

        ServerConfig config = ServerConfig.builder(coordDir).clientPort(0).tickTimeMs(200)
                .extendedTypesEnabled(true).fourLetterWords(java.util.Set.of("*")).build();
        try (CoordServer server = CoordServer.start(config)) {
            String coord = "127.0.0.1:" + server.clientPort();
            // Before any client: a new session is a txn, and moves the zxid.
            assertEquals(digest.toString(StandardCharsets.UTF_8), fourLetterWord(server.clientPort(), "hash"),
                    "coord-admin digest = the hash four-letter word");
            ZooKeeper reattached = connect(coord, sessionId, password);
            assertEquals(sessionId, reattached.getSessionId(), "the same session");
            ZooKeeper reader = connect(coord, 0, null);
            assertSameTree(before, walk(reader));
            assertEquals(List.of("/app/e", "/app/es-0000000011"), sortedEphemerals(reattached));
            // Still the owner: closing the session deletes its ephemerals.
            CountDownLatch deleted = new CountDownLatch(1);
            reader.addWatch("/app/e", e -> {
                if (e.getType() == Watcher.Event.EventType.NodeDeleted) {
                    deleted.countDown();
                }
            }, AddWatchMode.PERSISTENT);
            reattached.close();
            assertTrue(deleted.await(10, TimeUnit.SECONDS), "ephemeral deleted with its session");
            reader.sync("/app", (rc, p, c) -> { }, null);
            assertNull(reader.exists("/app/es-0000000011", false));
            assertNotNull(reader.exists("/app/ttl", false));
            reader.close();
        }
    }

    @Test
    void exportedCoordDataStartsARealZooKeeperWithTheSameTreeAndSession(@TempDir Path tmp) throws Exception {
        Path zkDir = tmp.resolve("zk");
        Path coordDir = tmp.resolve("coord");
        Path backDir = tmp.resolve("zk-again");
        long sessionId;
        byte[] password;
        try (RealZooKeeper zk = new RealZooKeeper(zkDir)) {
            ZooKeeper owner = populate(zk.connectString());
            sessionId = owner.getSessionId();
            password = owner.getSessionPasswd();
            owner.getTestable().injectSessionExpiration(); // local only: the client stops, the session stays
        }
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(0, admin(quiet, "import-zookeeper", "--from", zkDir.toString(), "--to", coordDir.toString()));
        Map<String, Seen> onCoord;
        ServerConfig config = ServerConfig.builder(coordDir).clientPort(0).tickTimeMs(200)
                .extendedTypesEnabled(true).build();
        ZooKeeper reattached;
        try (CoordServer server = CoordServer.start(config)) {
            String coord = "127.0.0.1:" + server.clientPort();
            reattached = connect(coord, sessionId, password);
            ZooKeeper writer = connect(coord, 0, null);
            writer.create("/app/onCoord", "c".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.CREATOR_ALL_ACL,
                    CreateMode.PERSISTENT);
            writer.delete("/app/m1", 0);
            writer.create("/app/seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            writer.setData("/app/cfg", "from coord".getBytes(StandardCharsets.UTF_8), -1);
            reattached.create("/app/e2", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            writer.close();
            ZooKeeper reader = connect(coord, 0, null);
            onCoord = walk(reader);
            reader.close();
        }
        reattached.getTestable().injectSessionExpiration();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, admin(new PrintStream(out, true, StandardCharsets.UTF_8), "export-zookeeper", "--from",
                coordDir.toString(), "--to", backDir.toString()), out.toString(StandardCharsets.UTF_8));
        try (RealZooKeeper zk = new RealZooKeeper(backDir)) {
            ZooKeeper back = connect(zk.connectString(), sessionId, password);
            assertEquals(sessionId, back.getSessionId(), "the session reattaches to ZooKeeper");
            assertEquals(List.of("/app/e", "/app/e2", "/app/es-0000000011"), sortedEphemerals(back));
            ZooKeeper reader = connect(zk.connectString(), 0, null);
            assertSameTree(onCoord, walk(reader));
            back.close();
            assertNull(reader.exists("/app/e2", false), "ZooKeeper deleted the session's ephemerals on close");
            reader.close();
        }
    }

    /**
     * The same client object, left running through the migration (its connect string lists
     * ZooKeeper's port and the port Coord will take): it reconnects to Coord by itself, with its
     * session and its watches, which then fire for changes made on Coord.
     */
    @Test
    void aRunningClientMovesOverWithItsSessionAndWatches(@TempDir Path tmp) throws Exception {
        Path zkDir = tmp.resolve("zk");
        Path coordDir = tmp.resolve("coord");
        int coordPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            coordPort = s.getLocalPort();
        }
        java.util.concurrent.LinkedBlockingQueue<org.apache.zookeeper.WatchedEvent> events =
                new java.util.concurrent.LinkedBlockingQueue<>();
        ZooKeeper moving;
        long sessionId;
        try (RealZooKeeper zk = new RealZooKeeper(zkDir)) {
            moving = connect(zk.connectString() + ",127.0.0.1:" + coordPort, 0, null);
            sessionId = moving.getSessionId();
            moving.create("/w", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            moving.create("/w/data", "1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            moving.create("/w/mine", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            moving.getData("/w/data", events::add, null);
            moving.getChildren("/w", events::add);
        }
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(0, admin(quiet, "import-zookeeper", "--from", zkDir.toString(), "--to", coordDir.toString()));
        ServerConfig config = ServerConfig.builder(coordDir).clientPort(coordPort).tickTimeMs(200).build();
        try (CoordServer server = CoordServer.start(config)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> moving.getState() == ZooKeeper.States.CONNECTED);
            assertEquals(sessionId, moving.getSessionId(), "the same session");
            ZooKeeper other = connect("127.0.0.1:" + coordPort, 0, null);
            other.setData("/w/data", "2".getBytes(StandardCharsets.UTF_8), 0);
            other.create("/w/new", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            java.util.Set<Watcher.Event.EventType> fired = new java.util.HashSet<>();
            while (fired.size() < 2) {
                org.apache.zookeeper.WatchedEvent e = events.poll(10, TimeUnit.SECONDS);
                assertNotNull(e, "watch set on ZooKeeper fired on Coord; so far " + fired);
                if (e.getType() != Watcher.Event.EventType.None) { // the client hands state changes to every watcher
                    fired.add(e.getType());
                }
            }
            assertEquals(java.util.Set.of(Watcher.Event.EventType.NodeDataChanged,
                    Watcher.Event.EventType.NodeChildrenChanged), fired);
            assertEquals(sessionId, other.exists("/w/mine", false).getEphemeralOwner());
            moving.close();
            other.close();
        }
    }

    static String fourLetterWord(int port, String word) throws Exception {
        String answer = io.coord.client.FourLetterWords.ask(new java.net.InetSocketAddress("127.0.0.1", port), word);
        if (answer == null) {
            throw new java.io.IOException("no answer to " + word);
        }
        return answer;
    }

    private static List<String> sortedEphemerals(ZooKeeper zk) throws Exception {
        List<String> paths = new ArrayList<>(zk.getEphemerals());
        paths.sort(null);
        return paths;
    }
}
