package io.coord.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
