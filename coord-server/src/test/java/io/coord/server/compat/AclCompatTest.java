package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** digest, auth, ip and world ACLs: who may do what, and which ACLs are refused. */
class AclCompatTest extends CompatTestBase {

    /** The digest scheme's id: user:base64(sha1("user:password")). */
    static String digestId(String user, String password) throws Exception {
        byte[] sha1 = MessageDigest.getInstance("SHA-1")
                .digest((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return user + ":" + Base64.getEncoder().encodeToString(sha1);
    }

    /** A mutable list: the stock client calls contains(null) on ACL lists, which List.of refuses. */
    private static List<ACL> acls(ACL... entries) {
        return new ArrayList<>(Arrays.asList(entries));
    }

    private ZooKeeper clientAs(String user, String password) throws Exception {
        ZooKeeper client = newClient();
        client.addAuthInfo("digest", (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return client;
    }

    @Test
    void creatorAllAclBelongsToTheDigestUser() throws Exception {
        ZooKeeper alice = clientAs("alice", "secret");
        alice.create(path("a"), new byte[] {1}, Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        List<ACL> acl = alice.getACL(path("a"), new Stat());
        assertEquals(acls(new ACL(Perms.ALL, new Id("digest", digestId("alice", "secret")))), acl);

        ZooKeeper anonymous = synced(newClient(), path("a")); // reads below what alice wrote
        assertThrows(KeeperException.NoAuthException.class, () -> anonymous.getData(path("a"), false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> anonymous.setData(path("a"), null, -1));
        assertThrows(KeeperException.NoAuthException.class,
                () -> anonymous.create(path("a/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertThrows(KeeperException.NoAuthException.class, () -> anonymous.getACL(path("a"), new Stat()));
        // ZooKeeper 3.9 checks READ on exists too.
        assertThrows(KeeperException.NoAuthException.class, () -> anonymous.exists(path("a"), false));

        ZooKeeper impostor = synced(clientAs("alice", "wrong"), path("a"));
        assertThrows(KeeperException.NoAuthException.class, () -> impostor.getData(path("a"), false, null));

        ZooKeeper aliceAgain = synced(clientAs("alice", "secret"), path("a"));
        assertArrayEquals(new byte[] {1}, aliceAgain.getData(path("a"), false, null));
        aliceAgain.setData(path("a"), new byte[] {2}, -1);
    }

    @Test
    void creatorAllAclWithoutAuthIsInvalidAcl() {
        assertThrows(KeeperException.InvalidACLException.class,
                () -> zk.create(path("a"), null, Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
    }

    @Test
    void explicitDigestAclGrantsOnlyItsPermissions() throws Exception {
        List<ACL> readOnlyForBob = acls(new ACL(Perms.READ, new Id("digest", digestId("bob", "pw"))));
        zk.create(path("a"), new byte[] {3}, readOnlyForBob, CreateMode.PERSISTENT);
        ZooKeeper bob = synced(clientAs("bob", "pw"), path("a"));
        assertArrayEquals(new byte[] {3}, bob.getData(path("a"), false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> bob.setData(path("a"), null, -1));
        assertThrows(KeeperException.NoAuthException.class, () -> zk.getData(path("a"), false, null));
    }

    @Test
    void multipleAuthIdsOnOneSession() throws Exception {
        zk.create(path("a"), null, acls(new ACL(Perms.ALL, new Id("digest", digestId("carol", "c")))),
                CreateMode.PERSISTENT);
        ZooKeeper client = clientAs("dave", "d");
        client.addAuthInfo("digest", "carol:c".getBytes(StandardCharsets.UTF_8));
        client.setData(path("a"), new byte[] {1}, -1);
    }

    @Test
    void ipAclMatchesTheClientAddress() throws Exception {
        List<ACL> loopbackOnly = acls(new ACL(Perms.ALL, new Id("ip", "127.0.0.1/32")));
        zk.create(path("local"), new byte[] {1}, loopbackOnly, CreateMode.PERSISTENT);
        assertArrayEquals(new byte[] {1}, synced(newClient(), path("local")).getData(path("local"), false, null));

        List<ACL> elsewhere = acls(new ACL(Perms.ALL, new Id("ip", "10.1.2.0/24")));
        zk.create(path("remote"), new byte[] {1}, elsewhere, CreateMode.PERSISTENT);
        assertThrows(KeeperException.NoAuthException.class, () -> zk.getData(path("remote"), false, null));

        List<ACL> singleAddress = acls(new ACL(Perms.READ, new Id("ip", "127.0.0.1")));
        zk.create(path("exact"), new byte[] {2}, singleAddress, CreateMode.PERSISTENT);
        assertArrayEquals(new byte[] {2}, zk.getData(path("exact"), false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> zk.setData(path("exact"), null, -1));
    }

    @Test
    void deleteNeedsDeleteOnTheParentAndCreateNeedsCreate() throws Exception {
        zk.create(path("p"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("p/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setACL(path("p"), acls(new ACL(Perms.READ | Perms.CREATE | Perms.ADMIN, Ids.ANYONE_ID_UNSAFE)), -1);
        zk.create(path("p/d"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThrows(KeeperException.NoAuthException.class, () -> zk.delete(path("p/c"), -1));
        zk.setACL(path("p"), acls(new ACL(Perms.READ | Perms.DELETE, Ids.ANYONE_ID_UNSAFE)), -1);
        zk.delete(path("p/c"), -1);
        assertThrows(KeeperException.NoAuthException.class,
                () -> zk.create(path("p/e"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    }

    @Test
    void readOnlyWorldAclRefusesWrites() throws Exception {
        zk.create(path("ro"), new byte[] {1}, Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertArrayEquals(new byte[] {1}, zk.getData(path("ro"), false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> zk.setData(path("ro"), null, -1));
        assertThrows(KeeperException.NoAuthException.class,
                () -> zk.setACL(path("ro"), Ids.OPEN_ACL_UNSAFE, -1));
    }

    @Test
    void setAclChecksTheAclVersion() throws Exception {
        zk.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThrows(KeeperException.BadVersionException.class,
                () -> zk.setACL(path("a"), Ids.READ_ACL_UNSAFE, 3));
        assertEquals(1, zk.setACL(path("a"), Ids.OPEN_ACL_UNSAFE, 0).getAversion());
    }

    @Test
    void malformedAclsAreInvalidAcl() {
        assertThrows(KeeperException.InvalidACLException.class, () -> zk.create(path("a"), null,
                acls(new ACL(Perms.ALL, new Id("ip", "not-an-address"))), CreateMode.PERSISTENT));
        assertThrows(KeeperException.InvalidACLException.class, () -> zk.create(path("b"), null,
                acls(new ACL(Perms.ALL, new Id("nosuchscheme", "x"))), CreateMode.PERSISTENT));
        assertThrows(KeeperException.InvalidACLException.class, () -> zk.create(path("c"), null,
                acls(new ACL(Perms.ALL, new Id("digest", "no-colon"))), CreateMode.PERSISTENT));
    }

    @Test
    void authSchemeAclExpandsToTheSessionsIds() throws Exception {
        ZooKeeper erin = clientAs("erin", "e");
        erin.create(path("a"), null, acls(new ACL(Perms.ALL, new Id("auth", ""))), CreateMode.PERSISTENT);
        assertEquals(List.of(new ACL(Perms.ALL, new Id("digest", digestId("erin", "e")))),
                erin.getACL(path("a"), new Stat()));
    }

    /** getACL by a session without ADMIN on the node shows digest ids with the hash replaced by "x". */
    @Test
    void getAclWithoutAdminHidesDigestHashes() throws Exception {
        ZooKeeper erin = clientAs("erin", "e");
        erin.create(path("a"), null, acls(new ACL(Perms.READ | Perms.WRITE, new Id("auth", ""))),
                CreateMode.PERSISTENT);
        assertEquals(List.of(new ACL(Perms.READ | Perms.WRITE, new Id("digest", "erin:x"))),
                erin.getACL(path("a"), new Stat()));
    }

    @Test
    void readOnlyAclStillAnswersGetAcl() throws Exception {
        zk.create(path("a"), null, Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertEquals(Ids.READ_ACL_UNSAFE, synced(newClient(), path("a")).getACL(path("a"), new Stat()));
    }
}
