package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SyncRequest;
import org.junit.jupiter.api.Test;

/**
 * ZooKeeper 3.9 (since CVE-2024-23944) delivers a watch event only to a session that may READ the
 * node the event is about (the parent for NodeChildrenChanged; for NodeDeleted the ACL the deleted
 * node had), whatever the kind of watch. "stranger" has no credentials; "friend" is the owner's
 * digest user on a session of its own. That no event of a secret node reached the stranger is
 * shown without waiting for silence: a later change to an open node is the first event it gets
 * (one connection's events arrive in zxid order).
 */
class WatchAclCompatTest extends CompatTestBase {

    private ZooKeeper owner;
    private ZooKeeper friend;
    private ZooKeeper stranger;
    private List<ACL> ownerOnly;

    private void openSessions() throws Exception {
        owner = clientAs("alice", "secret");
        friend = clientAs("alice", "secret");
        stranger = newClient();
        ownerOnly = new ArrayList<>(List.of(
                new ACL(Perms.ALL, new Id("digest", AclCompatTest.digestId("alice", "secret")))));
    }

    private ZooKeeper clientAs(String user, String password) throws Exception {
        ZooKeeper client = newClient();
        client.addAuthInfo("digest", (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return client;
    }

    @Test
    void oneShotExistsWatchHearsOfACreatedNodeOnlyWithRead() throws Exception {
        openSessions();
        EventRecorder strangerEvents = new EventRecorder();
        EventRecorder friendEvents = new EventRecorder();
        stranger.exists(path("secret"), strangerEvents);
        stranger.exists(path("open"), strangerEvents);
        friend.exists(path("secret"), friendEvents);

        owner.create(path("secret"), new byte[0], ownerOnly, CreateMode.PERSISTENT);
        owner.create(path("open"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        friendEvents.expect(EventType.NodeCreated, path("secret"));
        strangerEvents.expect(EventType.NodeCreated, path("open"));
        // The dropped event still used the watch up, as in ZooKeeper: the server holds none now.
        assertThrows(KeeperException.NoWatcherException.class,
                () -> stranger.removeWatches(path("secret"), strangerEvents, WatcherType.Data, false));
    }

    @Test
    void oneShotChildWatchIsJudgedByTheParentsAclWhenTheChildChanges() throws Exception {
        openSessions();
        owner.create(path("dir"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        syncIfEnsemble(stranger, path("dir"));
        syncIfEnsemble(friend, path("dir"));
        EventRecorder strangerEvents = new EventRecorder();
        EventRecorder friendEvents = new EventRecorder();
        stranger.getChildren(path("dir"), strangerEvents);
        stranger.exists(path("open"), strangerEvents);
        friend.getChildren(path("dir"), friendEvents);

        owner.setACL(path("dir"), ownerOnly, -1);
        owner.create(path("dir/c"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        owner.create(path("open"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        friendEvents.expect(EventType.NodeChildrenChanged, path("dir"));
        strangerEvents.expect(EventType.NodeCreated, path("open"));
    }

    @Test
    void persistentWatchHearsOnlyWithReadAndNodeDeletedIsJudgedByTheDeletedNodesAcl() throws Exception {
        openSessions();
        owner.create(path("secret"), new byte[0], ownerOnly, CreateMode.PERSISTENT);
        owner.create(path("open"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        EventRecorder strangerEvents = new EventRecorder();
        EventRecorder friendEvents = new EventRecorder();
        // The watches are on nodes another session created: their members must have them first.
        syncIfEnsemble(stranger, path("open"));
        syncIfEnsemble(friend, path("open"));
        // addWatch checks no ACL: a persistent watch may be set on a node the session cannot read.
        stranger.addWatch(path("secret"), strangerEvents, AddWatchMode.PERSISTENT);
        stranger.addWatch(path("open"), strangerEvents, AddWatchMode.PERSISTENT);
        friend.addWatch(path("secret"), friendEvents, AddWatchMode.PERSISTENT);

        owner.setData(path("secret"), new byte[] {1}, -1);
        owner.setData(path("open"), new byte[] {1}, -1);
        owner.delete(path("secret"), -1);
        owner.delete(path("open"), -1);

        friendEvents.expect(EventType.NodeDataChanged, path("secret"));
        friendEvents.expect(EventType.NodeDeleted, path("secret"));
        strangerEvents.expect(EventType.NodeDataChanged, path("open"));
        strangerEvents.expect(EventType.NodeDeleted, path("open"));
    }

    @Test
    void persistentRecursiveWatchHearsOfEachDescendantOnlyWithReadOnIt() throws Exception {
        openSessions();
        owner.create(path("tree"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        EventRecorder strangerEvents = new EventRecorder();
        EventRecorder friendEvents = new EventRecorder();
        stranger.addWatch(path("tree"), strangerEvents, AddWatchMode.PERSISTENT_RECURSIVE);
        friend.addWatch(path("tree"), friendEvents, AddWatchMode.PERSISTENT_RECURSIVE);

        owner.create(path("tree/secret"), new byte[0], ownerOnly, CreateMode.PERSISTENT);
        owner.create(path("tree/open"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        owner.setData(path("tree/secret"), new byte[] {1}, -1);
        owner.delete(path("tree/secret"), -1);
        owner.setData(path("tree/open"), new byte[] {1}, -1);

        friendEvents.expect(EventType.NodeCreated, path("tree/secret"));
        friendEvents.expect(EventType.NodeCreated, path("tree/open"));
        friendEvents.expect(EventType.NodeDataChanged, path("tree/secret"));
        friendEvents.expect(EventType.NodeDeleted, path("tree/secret"));
        friendEvents.expect(EventType.NodeDataChanged, path("tree/open"));
        strangerEvents.expect(EventType.NodeCreated, path("tree/open"));
        strangerEvents.expect(EventType.NodeDataChanged, path("tree/open"));
    }

    /**
     * A multi that deletes a node and creates it again with another ACL: each event is judged by
     * the ACL of its own op, not by what the node has once the whole multi is applied.
     */
    @Test
    void aMultiThatReplacesANodeJudgesEachEventByTheAclAtItsOp() throws Exception {
        openSessions();
        owner.create(path("x"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        owner.create(path("open"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        EventRecorder strangerEvents = new EventRecorder();
        EventRecorder friendEvents = new EventRecorder();
        stranger.addWatch(path("x"), strangerEvents, AddWatchMode.PERSISTENT);
        stranger.addWatch(path("open"), strangerEvents, AddWatchMode.PERSISTENT);
        friend.addWatch(path("x"), friendEvents, AddWatchMode.PERSISTENT);

        owner.multi(List.of(Op.delete(path("x"), -1),
                Op.create(path("x"), new byte[0], ownerOnly, CreateMode.PERSISTENT)));
        owner.multi(List.of(Op.delete(path("x"), -1),
                Op.create(path("x"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
        owner.setData(path("open"), new byte[] {1}, -1);

        for (int i = 0; i < 2; i++) {
            friendEvents.expect(EventType.NodeDeleted, path("x"));
            friendEvents.expect(EventType.NodeCreated, path("x"));
        }
        strangerEvents.expect(EventType.NodeDeleted, path("x"));
        strangerEvents.expect(EventType.NodeCreated, path("x"));
        strangerEvents.expect(EventType.NodeDataChanged, path("open"));
    }

    /**
     * setWatches (what a reconnecting client sends, with the last zxid it saw) fires at once what
     * changed since; those events obey the same READ rule here. ZooKeeper 3.9 sends them
     * unfiltered, so a session could learn of a node it may not read by reconnecting: Coord is
     * stricter on purpose, and this test does not run against the ZooKeeper oracle.
     */
    @Test
    void setWatchesFiresOnlyWhatTheSessionMayRead() throws Exception {
        assumeFalse("zookeeper".equals(target.name()), "ZooKeeper 3.9 does not filter setWatches events");
        openSessions();
        owner.create(path("secret"), new byte[0], ownerOnly, CreateMode.PERSISTENT);
        owner.create(path("open"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<String> both = List.of(path("secret"), path("open"));
        SetWatches everythingSinceZxidZero = new SetWatches(0, both, both, List.of(path("secret")));

        assertEquals(List.of("NodeDataChanged " + path("open"), "NodeCreated " + path("open")),
                setWatchesEvents(everythingSinceZxidZero, null));
        assertEquals(List.of("NodeDataChanged " + path("secret"), "NodeDataChanged " + path("open"),
                        "NodeCreated " + path("secret"), "NodeCreated " + path("open"),
                        "NodeChildrenChanged " + path("secret")),
                setWatchesEvents(everythingSinceZxidZero, "alice:secret"));
    }

    /** On a new raw session (digest-authenticated when {@code digest} is set): the events setWatches fires. */
    private List<String> setWatchesEvents(SetWatches request, String digest) throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            if (digest != null) {
                raw.request(-4, OpCode.auth, new AuthPacket(0, "digest", digest.getBytes(StandardCharsets.UTF_8)));
                assertEquals(0, raw.replyTo(-4).getErr());
            }
            raw.request(1, OpCode.sync, new SyncRequest(root));
            assertEquals(0, raw.replyTo(1).getErr());
            raw.request(-8, OpCode.setWatches, request);
            List<String> events = raw.eventsUntilReplyTo(-8);
            assertEquals("reply err 0", events.remove(events.size() - 1));
            return events.stream().map(e -> e.substring(0, e.lastIndexOf(" @"))).toList();
        }
    }
}
