package io.coord.clientit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.AclResult;
import io.coord.client.ChildrenResult;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.CreateResult;
import io.coord.client.DataResult;
import io.coord.client.Digest;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.ErrorCode;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import io.coord.wire.Stat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ClientOperationsTest extends ClientItBase {
    private static final List<Acl> OPEN = Acl.OPEN_ACL_UNSAFE;

    @Test
    void createGetSetDeleteRoundTrip() {
        CreateResult created = client.create(p("a"), bytes("one"), OPEN, CreateMode.PERSISTENT);
        assertEquals(p("a"), created.path());
        assertEquals(0, created.stat().version());
        DataResult read = client.getData(p("a"));
        assertEquals("one", read.text());
        Stat set = client.setData(p("a"), bytes("two"), 0);
        assertEquals(1, set.version());
        assertEquals("two", client.getData(p("a")).text());
        client.delete(p("a"), 1);
        assertNull(client.exists(p("a")));
    }

    @Test
    void createErrors() {
        client.create(p("a"), null, OPEN, CreateMode.PERSISTENT);
        CoordException.NodeExistsException exists = assertThrows(CoordException.NodeExistsException.class,
                () -> client.create(p("a"), null, OPEN, CreateMode.PERSISTENT));
        assertEquals(p("a"), exists.path());
        assertEquals(ErrorCode.NODEEXISTS, exists.code());
        assertThrows(CoordException.NoNodeException.class,
                () -> client.create(p("missing/child"), null, OPEN, CreateMode.PERSISTENT));
        client.create(p("eph"), null, OPEN, CreateMode.EPHEMERAL);
        assertThrows(CoordException.NoChildrenForEphemeralsException.class,
                () -> client.create(p("eph/child"), null, OPEN, CreateMode.PERSISTENT));
        assertThrows(CoordException.InvalidAclException.class,
                () -> client.create(p("b"), null, List.of(), CreateMode.PERSISTENT));
        assertThrows(CoordException.BadArgumentsException.class,
                () -> client.create("relative", null, OPEN, CreateMode.PERSISTENT));
        assertThrows(CoordException.BadArgumentsException.class,
                () -> client.create(p("x/../y"), null, OPEN, CreateMode.PERSISTENT));
        assertThrows(CoordException.BadArgumentsException.class,
                () -> client.create(p("ttl"), null, OPEN, CreateMode.PERSISTENT_WITH_TTL));
    }

    @Test
    void sequentialEphemeralContainerAndTtlModes() {
        CreateResult s1 = client.create(p("seq-"), null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        CreateResult s2 = client.create(p("seq-"), null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        assertTrue(s1.path().matches(".*/seq-\\d{10}"), s1.path());
        assertTrue(s2.path().compareTo(s1.path()) > 0);
        CreateResult e = client.create(p("e"), null, OPEN, CreateMode.EPHEMERAL);
        assertEquals(client.sessionId(), e.stat().ephemeralOwner());
        CreateResult c = client.create(p("c"), null, OPEN, CreateMode.CONTAINER);
        assertEquals(0, c.stat().numChildren());
        assertNotNull(client.exists(c.path()));
        CreateResult t = client.create(p("t"), null, OPEN, CreateMode.PERSISTENT_WITH_TTL, 60_000);
        // ZooKeeper shows clients ephemeralOwner 0 for TTL and container nodes (the marker stays server-side).
        assertEquals(0, t.stat().ephemeralOwner());
        assertEquals(0, client.exists(t.path()).ephemeralOwner());
        assertEquals(0, client.exists(c.path()).ephemeralOwner());
        assertEquals(List.of(e.path()), client.getEphemerals(root));
    }

    @Test
    void deleteAndSetDataErrors() {
        assertThrows(CoordException.NoNodeException.class, () -> client.delete(p("none"), -1));
        client.create(p("a"), null, OPEN, CreateMode.PERSISTENT);
        client.create(p("a/b"), null, OPEN, CreateMode.PERSISTENT);
        assertThrows(CoordException.NotEmptyException.class, () -> client.delete(p("a"), -1));
        assertThrows(CoordException.BadVersionException.class, () -> client.delete(p("a/b"), 5));
        assertThrows(CoordException.BadVersionException.class, () -> client.setData(p("a"), bytes("x"), 7));
        assertThrows(CoordException.NoNodeException.class, () -> client.setData(p("none"), bytes("x"), -1));
        assertThrows(CoordException.NoNodeException.class, () -> client.getData(p("none")));
        assertThrows(CoordException.NoNodeException.class, () -> client.getChildren(p("none")));
        assertThrows(CoordException.NoNodeException.class, () -> client.getAcl(p("none")));
        client.delete(p("a/b"), 0);
        client.delete(p("a"), -1);
    }

    @Test
    void childrenExistsCountAndSync() {
        client.create(p("a"), null, OPEN, CreateMode.PERSISTENT);
        client.create(p("a/x"), null, OPEN, CreateMode.PERSISTENT);
        client.create(p("a/y"), null, OPEN, CreateMode.PERSISTENT);
        client.create(p("a/y/z"), null, OPEN, CreateMode.PERSISTENT);
        ChildrenResult children = client.getChildren(p("a"));
        assertEquals(List.of("x", "y"), children.children().stream().sorted().toList());
        assertEquals(2, children.stat().numChildren());
        assertEquals(3, client.getAllChildrenNumber(p("a")));
        Stat stat = client.exists(p("a/y"));
        assertNotNull(stat);
        assertEquals(1, stat.numChildren());
        client.sync(p("a"));
        assertNull(client.exists(p("nope")));
    }

    @Test
    void aclsAndDigestAuth() {
        List<Acl> readOnly = List.of(new Acl(Perms.READ | Perms.ADMIN, Id.ANYONE));
        client.create(p("ro"), bytes("v"), readOnly, CreateMode.PERSISTENT);
        assertThrows(CoordException.NoAuthException.class, () -> client.setData(p("ro"), bytes("w"), -1));
        AclResult acl = client.getAcl(p("ro"));
        assertEquals(readOnly, acl.acl());
        Stat s = client.setAcl(p("ro"), OPEN, acl.stat().aversion());
        assertEquals(1, s.aversion());
        assertThrows(CoordException.BadVersionException.class, () -> client.setAcl(p("ro"), OPEN, 0));

        client.create(p("secret"), bytes("s"), Digest.allFor("alice", "pw"), CreateMode.PERSISTENT);
        assertThrows(CoordException.NoAuthException.class, () -> client.getData(p("secret")));
        CoordClient alice = open(options().digestAuth("alice", "pw").build());
        assertEquals("s", synced(alice, p("secret")).getData(p("secret")).text());
        alice.create(p("mine"), null, Acl.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        assertEquals(Digest.allFor("alice", "pw"), alice.getAcl(p("mine")).acl());
        synced(client, p("mine")); // alice's create
        assertThrows(CoordException.NoAuthException.class, () -> client.getData(p("mine")));
    }

    @Test
    void chrootIsTransparent() {
        client.create(p("app"), null, OPEN, CreateMode.PERSISTENT);
        CoordClient chrooted = open(server.connectString() + p("app"), options().build());
        CreateResult r = chrooted.create("/node", bytes("v"), OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
        assertTrue(r.path().startsWith("/node"), r.path());
        assertEquals("v", synced(client, root).getData(p("app") + r.path()).text());
        assertEquals(List.of(r.path().substring(1)), chrooted.getChildren("/").children());
        assertEquals(List.of(r.path()), chrooted.getEphemerals("/"));
        chrooted.sync("/");
        assertThrows(CoordException.NoNodeException.class, () -> chrooted.getData("/missing"));
    }

    @Test
    void asyncFuturesCompleteWithTypedExceptions() throws Exception {
        CompletableFuture<DataResult> f = client.getDataAsync(p("missing"));
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        CoordException.NoNodeException nne = assertInstanceOf(CoordException.NoNodeException.class, e.getCause());
        assertEquals(p("missing"), nne.path());
        CompletableFuture<?>[] many = new CompletableFuture<?>[200];
        for (int i = 0; i < many.length; i++) {
            many[i] = client.createAsync(p("n" + i), bytes("d" + i), OPEN, CreateMode.PERSISTENT);
        }
        CompletableFuture.allOf(many).get();
        assertEquals(200, client.getChildren(root).children().size());
        assertArrayEquals(bytes("d7"), client.getData(p("n7")).data());
    }

    @Test
    void oversizedRequestIsRefusedBeforeSending() {
        byte[] big = new byte[1024 * 1024];
        CoordException e = assertThrows(CoordException.RequestRejectedException.class,
                () -> client.create(p("big"), big, OPEN, CreateMode.PERSISTENT));
        assertTrue(e.getMessage().contains("maxPacketBytes"), e.getMessage());
        assertTrue(client.isConnected());
        client.create(p("small"), new byte[1000], OPEN, CreateMode.PERSISTENT);
    }
}
