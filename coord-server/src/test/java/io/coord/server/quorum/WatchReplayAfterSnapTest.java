package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.WatchEventType;
import io.coord.client.WatchMode;
import io.coord.server.storage.SnapshotStore;
import io.coord.wire.Acl;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.CreateMode;
import io.coord.wire.EventType;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteWriter;
import io.coord.wire.OpCode;
import io.coord.wire.ReplyHeader;
import io.coord.wire.RequestHeader;
import io.coord.wire.SetWatches2;
import io.coord.wire.WatcherEvent;
import io.coord.wire.Xids;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (issue 18, fault suite seed 71019): a client with a persistent recursive watch
 * reconnected to a member that had just installed the leader's snapshot past the client's last
 * zxid. That member's replay history starts at the snapshot, so it could not send what the watch
 * missed, and it re-added the watch silently (nor did it replay the events it did hold): 175
 * acknowledged changes never reached the watchers. Now such a member sends the client away once
 * (closes the connection after the handshake, nothing re-added) so that it reaches a member whose
 * history covers the gap; a client that comes back to it anyway gets what it holds.
 *
 * <p>Raw protocol, so that the test picks the member of each reconnect and the zxid it claims.
 */
class WatchReplayAfterSnapTest {
    private static final int TIMEOUT_MS = 20_000;

    @TempDir
    Path dir;

    /** What one setWatches2 got: the events' zxids before its reply, or closed without a reply. */
    private record Outcome(boolean closed, List<Long> eventZxids) {
    }

    private record Session(long id, byte[] password) {
    }

    @Test
    void aMemberJustSyncedBySnapshotSendsTheWatcherToOneThatCoversItsGap() throws Exception {
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, 100_000, 1 << 20)) {
            e.startAll();
            e.awaitServing(e.all());
            try (CoordClient writer = InProcessEnsemble.client(e.connectString(1))) {
                writer.create("/w", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                writer.create("/w/k", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                writer.create("/other", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                // The watcher's session, opened on member 1; what it saw last is /w/k's creation.
                long lastSeen = writer.exists("/w/k").mzxid();
                Session session = openSession(e, 1);

                e.stop(3);
                List<Long> gap = setData(writer, 20); // what the watcher misses while away
                // More than the leader keeps for a DIFF: member 3 will be synced by snapshot.
                writeElsewhere(writer, EnsembleMember.MAX_HISTORY + 200);
                e.start(3);
                e.awaitServing(e.all());
                writer.sync("/");
                long installed = Collections.max(new SnapshotStore(e.dataDir(3)).listedZxids());
                assertTrue(installed > gap.get(gap.size() - 1), "member 3 should have installed a snapshot past the gap, "
                        + "not 0x" + Long.toHexString(installed));

                Outcome onFreshMember = reconnectWithWatch(e, 3, session, lastSeen);
                assertTrue(onFreshMember.closed() || onFreshMember.eventZxids().equals(gap),
                        "member 3 must not re-add the watch without the missed events " + gap + ": got "
                                + onFreshMember.eventZxids());

                Outcome onCoveringMember = reconnectWithWatch(e, 1, session, lastSeen);
                assertEquals(false, onCoveringMember.closed());
                assertEquals(gap, onCoveringMember.eventZxids(), "every missed change once, in zxid order");

                // A client that comes back to member 3 (say, every other member refused it) is taken,
                // and gets what member 3 holds: the changes after its snapshot, not the gap before it.
                List<Long> afterSnapshot = setData(writer, 3);
                writer.sync("/");
                Outcome comesBack = reconnectWithWatch(e, 3, session, lastSeen);
                assertEquals(false, comesBack.closed());
                assertEquals(afterSnapshot, comesBack.eventZxids());
            }
        }
    }

    /** Starts a client with a persistent recursive watch on /w that adds each NodeDataChanged's zxid to a list. */
    private interface WatcherStart {
        AutoCloseable start(String connectString, List<Long> seen) throws Exception;
    }

    /** What a watcher was expected to see (the gap among them) and what it saw. */
    private record Seen(List<Long> expected, List<Long> gap, List<Long> seen) {
    }

    /**
     * The same end to end, with a real client: its connection to member 1 goes silent while the
     * gap is written and member 3 is synced by snapshot; then it drops, and the client's next host
     * is member 3 (two hosts, round robin). Member 3 sends it away; back on member 1 it gets the
     * gap replayed. (Before the fix member 3 took it and the gap was lost.)
     */
    private Seen reconnectPastASnapshotSync(WatcherStart watcherStart) throws Exception {
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, 100_000, 1 << 20)) {
            e.startAll();
            e.awaitServing(e.all());
            try (FaultProxy toMember1 = new FaultProxy(RawHandshake.clientPort(e, 1));
                 CoordClient writer = InProcessEnsemble.client(e.connectString(2))) {
                writer.create("/w", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                writer.create("/w/k", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                writer.create("/other", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                e.stop(3); // so the watcher's first connection is to member 1, through the proxy
                List<Long> seen = new CopyOnWriteArrayList<>();
                String hosts = "127.0.0.1:" + toMember1.port() + "," + e.connectString(3);
                try (AutoCloseable watcher = watcherStart.start(hosts, seen)) {
                    List<Long> expected = new ArrayList<>(setData(writer, 5));
                    await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 5);

                    toMember1.pause(); // the watcher's connection stays up but hears nothing
                    List<Long> gap = setData(writer, 20);
                    expected.addAll(gap);
                    writeElsewhere(writer, EnsembleMember.MAX_HISTORY + 200);
                    e.start(3);
                    e.awaitServing(e.all());
                    writer.sync("/");
                    toMember1.cut(); // what member 1 sent meanwhile is lost; the watcher reconnects
                    toMember1.heal();
                    expected.addAll(setData(writer, 3));
                    long last = expected.get(expected.size() - 1);
                    await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains(last));
                    Thread.sleep(200); // anything sent twice would arrive by now
                    return new Seen(expected, gap, List.copyOf(seen));
                }
            }
        }
    }

    @Test
    void theNativeClientSentAwayGetsEveryChangeOnceFromTheNextMember() throws Exception {
        Seen s = reconnectPastASnapshotSync((hosts, seen) -> {
            CoordClient c = CoordClient.connect(hosts, ClientOptions.builder().sessionTimeoutMs(TIMEOUT_MS)
                    .connectionTimeoutMs(TIMEOUT_MS).build());
            c.addWatch("/w", WatchMode.PERSISTENT_RECURSIVE, ev -> {
                if (ev.type() == WatchEventType.NODE_DATA_CHANGED) {
                    seen.add(ev.zxid());
                }
            });
            return c;
        });
        assertEquals(s.expected(), s.seen(), "every change once, in zxid order");
    }

    /**
     * The stock ZooKeeper client, closed on after its handshake, reconnects to its next host in the
     * same session. It counts only replies as seen zxids, so its replay starts at its addWatch and
     * the changes before the gap may come twice (at least once); the gap comes in zxid order.
     */
    @Test
    void theStockClientSentAwayGetsTheGapFromTheNextMember() throws Exception {
        List<Long> sessions = new CopyOnWriteArrayList<>();
        Seen s = reconnectPastASnapshotSync((hosts, seen) -> {
            ZooKeeper zk = new ZooKeeper(hosts, TIMEOUT_MS, event -> { });
            await().atMost(Duration.ofSeconds(20)).until(() -> zk.getState() == ZooKeeper.States.CONNECTED);
            sessions.add(zk.getSessionId());
            zk.addWatch("/w", event -> {
                if (event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                    seen.add(event.getZxid());
                }
            }, AddWatchMode.PERSISTENT_RECURSIVE);
            return () -> {
                sessions.add(zk.getSessionId());
                zk.close();
            };
        });
        assertEquals(sessions.get(0), sessions.get(1), "the same session throughout");
        assertTrue(s.seen().containsAll(s.expected()), "every change at least once: " + s.seen());
        List<Long> fromGap = s.seen().subList(s.seen().lastIndexOf(s.gap().get(0)), s.seen().size());
        assertEquals(s.expected().subList(s.expected().indexOf(s.gap().get(0)), s.expected().size()), fromGap,
                "from the gap on, each change once in zxid order");
    }

    private static List<Long> setData(CoordClient writer, int count) throws Exception {
        List<Long> zxids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            zxids.add(writer.setData("/w/k", ("v" + i).getBytes(StandardCharsets.UTF_8), -1).mzxid());
        }
        return zxids;
    }

    private static void writeElsewhere(CoordClient writer, int count) throws Exception {
        CompletableFuture<?>[] all = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            all[i] = writer.createAsync("/other/n" + i, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        CompletableFuture.allOf(all).get();
    }

    /** A new session on {@code member}; its connection is then dropped (the session lives on). */
    private static Session openSession(InProcessEnsemble e, int member) throws IOException {
        byte[] request = RawHandshake.connectRequest(0, new byte[ConnectResponse.PASSWORD_BYTES], TIMEOUT_MS, false);
        try (Socket s = RawHandshake.send(e, member, request)) {
            ConnectResponse r = RawHandshake.readConnectResponse(s);
            assertTrue(r.sessionId() != 0, "a session");
            return new Session(r.sessionId(), r.passwd());
        }
    }

    /** Resumes the session on {@code member} claiming {@code lastSeen}, sends its recursive watch on /w. */
    private static Outcome reconnectWithWatch(InProcessEnsemble e, int member, Session session, long lastSeen)
            throws IOException {
        byte[] connect = encode(null, new ConnectRequest(0, lastSeen, TIMEOUT_MS, session.id(), session.password(),
                false));
        try (Socket s = RawHandshake.send(e, member, connect)) {
            ConnectResponse r = RawHandshake.readConnectResponse(s);
            assertEquals(session.id(), r.sessionId(), "the session resumed on member " + member);
            SetWatches2 w = new SetWatches2(lastSeen, List.of(), List.of(), List.of(), List.of(), List.of("/w"));
            byte[] frame = encode(new RequestHeader(Xids.SET_WATCHES, OpCode.SET_WATCHES2), w);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(frame.length);
            out.write(frame);
            out.flush();
            return readUntilReply(s);
        }
    }

    private static Outcome readUntilReply(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        List<Long> zxids = new ArrayList<>();
        while (true) {
            byte[] frame;
            try {
                frame = new byte[in.readInt()];
                in.readFully(frame);
            } catch (EOFException | SocketException closed) {
                return new Outcome(true, zxids);
            }
            JuteReader r = new JuteReader(frame);
            ReplyHeader h = ReplyHeader.read(r);
            if (h.xid() == Xids.SET_WATCHES) {
                assertEquals(0, h.err(), "setWatches2 answered with an error");
                return new Outcome(false, zxids);
            }
            assertEquals(Xids.NOTIFICATION, h.xid(), "only notifications come before the setWatches2 reply");
            WatcherEvent ev = WatcherEvent.read(r);
            assertNotNull(ev.path());
            assertEquals(EventType.NODE_DATA_CHANGED, ev.type(), "event " + ev);
            zxids.add(h.zxid());
        }
    }

    private static byte[] encode(RequestHeader header, io.coord.wire.JuteRecord body) {
        JuteWriter w = new JuteWriter();
        if (header != null) {
            header.write(w);
        }
        body.write(w);
        return w.toByteArray();
    }
}
