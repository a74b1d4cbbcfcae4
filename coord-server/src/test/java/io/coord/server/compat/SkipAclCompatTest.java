package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code skipACL=yes}: every ACL check passes, as in ZooKeeper, while the ACL lists a create or
 * setACL gives are still validated. Coord targets only: ZooKeeper reads skipACL once per JVM, and
 * the oracle shared by the other compat tests must check ACLs.
 */
class SkipAclCompatTest extends CompatTestBase {

    @Override
    protected Map<String, String> serverKeys() {
        return Map.of("skipACL", "yes");
    }

    @BeforeEach
    void onlyCoord() {
        assumeTrue(target.isCoord(), "the oracle's skipACL is read once per JVM");
    }

    @Test
    void anUnauthenticatedSessionReadsWritesAndWatchesAProtectedNodeButAclsAreValidated() throws Exception {
        ZooKeeper alice = newClient();
        alice.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
        List<ACL> aliceOnly = new ArrayList<>(List.of(
                new ACL(Perms.ALL, new Id("digest", AclCompatTest.digestId("alice", "secret")))));
        alice.create(path("a"), new byte[] {1}, aliceOnly, CreateMode.PERSISTENT);

        EventRecorder events = new EventRecorder();
        ZooKeeper anonymous = synced(newClient(), path("a"));
        assertArrayEquals(new byte[] {1}, anonymous.getData(path("a"), events, null));
        assertEquals(aliceOnly, anonymous.getACL(path("a"), new Stat())); // not redacted
        alice.setData(path("a"), new byte[] {2}, -1);
        // The watch event is not filtered by the ACL either.
        events.expect(EventType.NodeDataChanged, path("a"));
        anonymous.setData(path("a"), new byte[] {3}, -1);
        anonymous.create(path("a/c"), null, aliceOnly, CreateMode.PERSISTENT);
        anonymous.delete(path("a/c"), -1);
        // The ACL lists a create gives are still validated, as in ZooKeeper (an empty list the stock
        // client refuses itself; an unknown scheme only the server can).
        List<ACL> unknownScheme = new ArrayList<>(List.of(new ACL(Perms.ALL, new Id("nosuch", "x"))));
        assertThrows(KeeperException.InvalidACLException.class,
                () -> anonymous.create(path("a/bad"), null, unknownScheme, CreateMode.PERSISTENT));
    }

    /** On the ensemble, an anonymous session on each member in turn writes a protected node. */
    @Test
    void everyEnsembleMemberSkipsAcls() throws Exception {
        assumeTrue(target.isEnsemble(), "one member per connection: the ensemble target");
        ZooKeeper alice = newClient();
        alice.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
        alice.create(path("b"), new byte[] {1}, new ArrayList<>(List.of(
                new ACL(Perms.ALL, new Id("digest", AclCompatTest.digestId("alice", "secret"))))), CreateMode.PERSISTENT);
        byte value = 10;
        for (String member : target.connectString().split(",")) {
            ZooKeeper anonymous = newClient(member, SESSION_TIMEOUT_MS, event -> { });
            syncIfEnsemble(anonymous, path("b"));
            anonymous.setData(path("b"), new byte[] {value}, -1);
            assertArrayEquals(new byte[] {value}, anonymous.getData(path("b"), false, null), member);
            value++;
        }
    }
}
