package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * {@code DigestAuthenticationProvider.superDigest}: a session that authenticates with the super
 * credentials passes every ACL check, on a node whose ACL names only alice. Runs against the
 * ZooKeeper oracle too (its super user comes from the system property ZooKeeperTarget sets), and on
 * the ensemble, where the super session's writes are prepared by the leader.
 */
class SuperUserCompatTest extends CompatTestBase {

    @Override
    protected Map<String, String> serverKeys() {
        return TestTarget.SUPER_DIGEST_KEYS;
    }

    private ZooKeeper clientAs(String credentials) throws Exception {
        ZooKeeper client = newClient();
        client.addAuthInfo("digest", credentials.getBytes(StandardCharsets.UTF_8));
        return client;
    }

    /** {@code path("a")}, data {1}, with ACL digest:alice:cdrwa only; returns that ACL. */
    private List<ACL> aliceOnlyNode() throws Exception {
        ZooKeeper alice = clientAs("alice:secret");
        List<ACL> aliceOnly = new ArrayList<>(List.of(
                new ACL(Perms.ALL, new Id("digest", AclCompatTest.digestId("alice", "secret")))));
        alice.create(path("a"), new byte[] {1}, aliceOnly, CreateMode.PERSISTENT);
        return aliceOnly;
    }

    @Test
    void superUserReadsWritesSetsAclsAndDeletesWhatOnlyAliceMay() throws Exception {
        List<ACL> aliceOnly = aliceOnlyNode();
        ZooKeeper root = synced(clientAs(TestTarget.SUPER_CREDENTIALS), path("a"));

        assertArrayEquals(new byte[] {1}, root.getData(path("a"), false, null));
        // The connection's ip, super and the digest user (ZooKeeper keeps them in a hash set: no order).
        assertEquals(Set.of("ip:127.0.0.1", "super:", "digest:super"),
                root.whoAmI().stream().map(c -> c.getAuthScheme() + ":" + c.getUser()).collect(Collectors.toSet()));
        // getACL shows the digest unredacted: super has ADMIN.
        assertEquals(aliceOnly, root.getACL(path("a"), new Stat()));
        root.setData(path("a"), new byte[] {2}, -1);
        root.create(path("a/child"), null, aliceOnly, CreateMode.PERSISTENT);
        List<ACL> stillNotSuper = new ArrayList<>(List.of(
                new ACL(Perms.READ, new Id("digest", AclCompatTest.digestId("bob", "pw")))));
        root.setACL(path("a"), stillNotSuper, -1);
        assertEquals(stillNotSuper, root.getACL(path("a"), new Stat()));
        root.delete(path("a/child"), -1); // DELETE on path("a"), which only bob may READ
        root.delete(path("a"), -1);
        assertNull(root.exists(path("a"), false));
        // "auth" expands to the digest id only: ZooKeeper's super id has no provider.
        root.create(path("mine"), null, Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        assertEquals(List.of(new ACL(Perms.ALL, new Id("digest", TestTarget.SUPER_DIGEST))),
                root.getACL(path("mine"), new Stat()));
    }

    @Test
    void wrongSuperPasswordGetsNothing() throws Exception {
        List<ACL> aliceOnly = aliceOnlyNode();
        ZooKeeper alice = clientAs("alice:secret");
        alice.create(path("a/c"), null, aliceOnly, CreateMode.PERSISTENT);
        ZooKeeper impostor = synced(clientAs("super:not-the-password"), path("a"));
        assertThrows(KeeperException.NoAuthException.class, () -> impostor.getData(path("a"), false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> impostor.setData(path("a"), null, -1));
        assertThrows(KeeperException.NoAuthException.class, () -> impostor.getACL(path("a"), new Stat()));
        assertThrows(KeeperException.NoAuthException.class, () -> impostor.setACL(path("a"), Ids.OPEN_ACL_UNSAFE, -1));
        assertThrows(KeeperException.NoAuthException.class,
                () -> impostor.create(path("a/d"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertThrows(KeeperException.NoAuthException.class, () -> impostor.delete(path("a/c"), -1));
        // Another user's name with the super password is not super either.
        ZooKeeper other = synced(clientAs("root:compat-super-secret"), path("a"));
        assertThrows(KeeperException.NoAuthException.class, () -> other.getData(path("a"), false, null));
        ZooKeeper anonymous = synced(newClient(), path("a"));
        assertThrows(KeeperException.NoAuthException.class, () -> anonymous.delete(path("a/c"), -1));
        // ... while the right password reads it.
        ZooKeeper root = synced(clientAs(TestTarget.SUPER_CREDENTIALS), path("a"));
        assertArrayEquals(new byte[] {1}, root.getData(path("a"), false, null));
    }

    /**
     * On the ensemble, a super session on each member in turn (so followers, whose writes the leader
     * prepares, and the leader itself) reads and writes alice's node.
     */
    @Test
    void everyEnsembleMemberHonoursTheSuperUser() throws Exception {
        assumeTrue(target.isEnsemble(), "one member per connection: the ensemble target");
        aliceOnlyNode();
        byte value = 10;
        for (String member : target.connectString().split(",")) {
            ZooKeeper root = newClient(member, SESSION_TIMEOUT_MS, event -> { });
            root.addAuthInfo("digest", TestTarget.SUPER_CREDENTIALS.getBytes(StandardCharsets.UTF_8));
            syncIfEnsemble(root, path("a"));
            root.setData(path("a"), new byte[] {value}, -1);
            assertArrayEquals(new byte[] {value}, root.getData(path("a"), false, null), member);
            value++;
        }
    }
}
