package io.coord.server.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** getEphemerals, getAllChildrenNumber, whoAmI, sync, chroot, large values and wide nodes. */
class MiscOpsCompatTest extends CompatTestBase {

    /** Just under jute.maxbuffer (0xfffff) once the request's header, path and ACL are added. */
    private static final int LARGE_VALUE_BYTES = 1024 * 1024 - 1024;

    @Test
    void getEphemeralsListsOnlyThisSessionsEphemerals() throws Exception {
        ZooKeeper owner = newClient();
        owner.create(path("e1"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        owner.create(path("p"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        owner.create(path("p/e2"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        owner.create(path("s-"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        zk.create(path("other"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

        List<String> all = new ArrayList<>(owner.getEphemerals());
        Collections.sort(all);
        assertEquals(List.of(path("e1"), path("p/e2"), path("s-0000000002")), all);
        assertEquals(List.of(path("p/e2")), owner.getEphemerals(path("p")));
        assertEquals(List.of(path("other")), zk.getEphemerals(root));
        assertEquals(List.of(), newClient().getEphemerals());
    }

    @Test
    void getAllChildrenNumberCountsEveryDescendant() throws Exception {
        zk.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("a/b"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("a/b/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("a/d"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.create(path("e"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertEquals(5, zk.getAllChildrenNumber(root));
        assertEquals(3, zk.getAllChildrenNumber(path("a")));
        assertEquals(0, zk.getAllChildrenNumber(path("e")));
        assertThrows(KeeperException.NoNodeException.class, () -> zk.getAllChildrenNumber(path("missing")));
    }

    @Test
    void whoAmIListsTheIpAndEveryDigestUser() throws Exception {
        assertEquals(List.of(new ClientInfo("ip", "127.0.0.1")), zk.whoAmI());
        zk.addAuthInfo("digest", "frank:f".getBytes(StandardCharsets.UTF_8));
        Set<String> ids = zk.whoAmI().stream()
                .map(info -> info.getAuthScheme() + ":" + info.getUser())
                .collect(Collectors.toSet());
        assertEquals(Set.of("ip:127.0.0.1", "digest:frank"), ids);
    }

    @Test
    void syncCompletesWithTheNodesPath() throws Exception {
        CompletableFuture<String> synced = new CompletableFuture<>();
        AtomicInteger rcSeen = new AtomicInteger(99);
        zk.sync(root, (rc, p, ctx) -> {
            rcSeen.set(rc);
            synced.complete(p);
        }, null);
        assertEquals(root, synced.get(5, TimeUnit.SECONDS));
        assertEquals(0, rcSeen.get());
    }

    @Test
    void syncThenReadSeesAnotherClientsWrite() throws Exception {
        ZooKeeper writer = newClient();
        writer.create(path("a"), new byte[] {4}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        CountDownLatch synced = new CountDownLatch(1);
        zk.sync(path("a"), (rc, p, ctx) -> synced.countDown(), null);
        assertTrue(synced.await(5, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {4}, zk.getData(path("a"), false, null));
    }

    @Test
    void chrootedClientSeesPathsRelativeToItsRoot() throws Exception {
        ZooKeeper chrooted = newClient(target.connectString() + root, SESSION_TIMEOUT_MS, event -> { });
        assertEquals("/x", chrooted.create("/x", new byte[] {1}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        syncIfEnsemble(zk, path("x")); // zk reads what the chrooted session wrote
        assertArrayEquals(new byte[] {1}, zk.getData(path("x"), false, null));
        assertEquals("/s0000000001",
                chrooted.create("/s", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
        List<String> children = new ArrayList<>(chrooted.getChildren("/", false));
        Collections.sort(children);
        assertEquals(List.of("s0000000001", "x"), children);

        EventRecorder watcher = new EventRecorder();
        chrooted.getData("/x", watcher, null);
        zk.setData(path("x"), new byte[] {2}, -1);
        watcher.expect(EventType.NodeDataChanged, "/x");
        chrooted.create("/e", null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        // The stock client does not strip its chroot from getEphemerals results: the server's
        // full paths come through as they are.
        assertEquals(List.of(path("e")), chrooted.getEphemerals());
    }

    @Test
    void valueJustUnderTheBufferLimitRoundTrips() throws Exception {
        byte[] value = new byte[LARGE_VALUE_BYTES];
        new Random(42).nextBytes(value);
        zk.create(path("big"), value, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Stat stat = new Stat();
        assertArrayEquals(value, synced(newClient(), path("big")).getData(path("big"), false, stat));
        assertEquals(LARGE_VALUE_BYTES, stat.getDataLength());
    }

    @Test
    void fiveThousandChildrenAreListed() throws Exception {
        int count = 5_000;
        CountDownLatch created = new CountDownLatch(count);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            zk.create(path(String.format("child-%05d", i)), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                    (rc, p, ctx, name) -> {
                        if (rc != 0) {
                            failures.incrementAndGet();
                        }
                        created.countDown();
                    }, null);
        }
        assertTrue(created.await(30, TimeUnit.SECONDS));
        assertEquals(0, failures.get());
        Stat stat = new Stat();
        List<String> children = new ArrayList<>(synced(newClient(), root).getChildren(root, false, stat));
        assertEquals(count, children.size());
        assertEquals(count, stat.getNumChildren());
        Collections.sort(children);
        assertEquals("child-00000", children.get(0));
        assertEquals("child-04999", children.get(count - 1));
        assertEquals(count, Set.copyOf(children).size());
    }

    @Test
    void ruokIsAnsweredWithImok() throws Exception {
        assertEquals("imok", RawSocket.fourLetterWord(target.clientPort(), "ruok"));
        assertNotNull(zk.exists(root, false), "the client port still serves sessions");
    }

    @Test
    void srvrReportsTheServersMode() throws Exception {
        String srvr = RawSocket.fourLetterWord(target.clientPort(), "srvr");
        if (target.isEnsemble()) {
            assertTrue(srvr.contains("Mode: leader") || srvr.contains("Mode: follower"), srvr);
        } else {
            assertTrue(srvr.contains("Mode: standalone"), srvr);
        }
        assertTrue(srvr.contains("Zxid: 0x"), srvr);
    }

    /**
     * hash prints "zxid-in-hex: digest-in-decimal" lines, as ZooKeeper's DigestCommand does.
     * ZooKeeper keeps a digest every 128 txns, so the test writes past one; Coord prints its
     * current tree's. The digest values themselves differ between the two (different hashes).
     */
    @Test
    void hashPrintsZxidAndDigestLines() throws Exception {
        for (int i = 0; i < 130; i++) {
            zk.create(path("h" + i), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        String hash = RawSocket.fourLetterWord(target.clientPort(), "hash");
        assertFalse(hash.isEmpty(), "no digest line");
        for (String line : hash.split("\n")) {
            assertTrue(line.matches("[0-9a-f]+: -?[0-9]+"), line);
        }
        if (target.isCoord()) {
            String srvr = RawSocket.fourLetterWord(target.clientPort(), "srvr");
            assertTrue(srvr.contains("Zxid: 0x" + hash.substring(0, hash.indexOf(':')) + "\n"), srvr + "\n" + hash);
            zk.setData(path("h0"), new byte[] {1}, -1);
            // On the ensemble target the member asked may not be the one the client wrote through,
            // and applies the commit a moment later: wait for it.
            String digestBefore = hash.substring(hash.indexOf(':'));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                String after = RawSocket.fourLetterWord(target.clientPort(), "hash");
                return !digestBefore.equals(after.substring(after.indexOf(':')));
            });
        }
    }
}
