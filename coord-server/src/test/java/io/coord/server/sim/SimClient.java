package io.coord.server.sim;

import io.coord.server.pipeline.ClientChannel;
import io.coord.wire.Acl;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.CreateRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.GetDataRequest;
import io.coord.wire.GetDataResponse;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteRecord;
import io.coord.wire.OpCode;
import io.coord.wire.Replies;
import io.coord.wire.ReplyHeader;
import io.coord.wire.RequestHeader;
import io.coord.wire.SetDataRequest;
import io.coord.wire.SetDataResponse;
import io.coord.wire.SyncRequest;
import io.coord.wire.WatcherEvent;
import io.coord.wire.Xids;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated client session speaking the wire protocol to a member through a simulated
 * connection (replies are decoded with the wire codec, as a real client does). It checks what one
 * client can see: replies in request order, zxids that never go back, reads never older than what
 * it saw before (nor, after a sync, than what was acknowledged before the sync), and a watch event
 * before the data that fired it. Acknowledged writes and ended sessions go to the checker.
 */
final class SimClient {
    static final int KEYS = 3;
    private static final int SESSION_TIMEOUT_MS = 1000;

    /** One request on the wire, waiting for its reply. */
    private record Sent(int xid, int type, String path, long floorMzxid, boolean watch) {
    }

    private final MemberSimulation sim;
    final int index;
    private Conn conn;
    private boolean handshaking;
    long sessionId;
    private byte[] passwd = new byte[ConnectResponse.PASSWORD_BYTES];
    private int nextXid = 1;
    private long lastZxidSeen;
    private int nextNode;
    private long lastSendMs;
    private long lastReceiveMs;
    /** The last sync was answered with an error: the read pipelined behind it promises nothing more. */
    private boolean lastSyncFailed;
    private final ArrayDeque<Sent> pending = new ArrayDeque<>();
    private final Map<String, Long> seenMzxid = new HashMap<>();
    private final Map<String, Long> watchArmedAt = new HashMap<>();
    long replies;

    SimClient(MemberSimulation sim, int index) {
        this.sim = sim;
        this.index = index;
    }

    boolean idle() {
        return conn != null && !handshaking && pending.isEmpty();
    }

    /** Opens a connection to a live member (resuming the session, if any). */
    void connect() {
        SimMember m = sim.pickLiveMember();
        if (m == null || conn != null) {
            sim.clientLater(this, 20, this::connect);
            return;
        }
        conn = new Conn(m, m.incarnation);
        handshaking = true;
        lastSendMs = sim.now();
        sim.log("client " + index + " connects to n" + m.id + " session 0x" + Long.toHexString(sessionId));
        m.processor.connect(conn, new ConnectRequest(0, lastZxidSeen, SESSION_TIMEOUT_MS, sessionId, passwd, false));
    }

    /** One step of the client's workload (called every few ms by the simulation). */
    void step(boolean issueWrites) {
        if (conn != null && (handshaking || !pending.isEmpty())
                && sim.now() - Math.max(lastReceiveMs, lastSendMs) > SESSION_TIMEOUT_MS * 2 / 3) {
            // Nothing heard for two thirds of the timeout (pings queue behind a lost write too): a
            // stock client gives the connection up and reconnects, and so does this one.
            sim.count("client read timeouts");
            sim.log("client " + index + " gives up its connection to n" + conn.member.id);
            Conn c = conn;
            lost(c);
            c.close("client read timeout");
            return;
        }
        if (conn == null || handshaking || pending.size() >= 4) {
            return;
        }
        if (!issueWrites) {
            if (sim.now() - lastSendMs > SESSION_TIMEOUT_MS / 3) {
                send(new Sent(Xids.PING, OpCode.PING, null, 0, false), null);
            }
            return;
        }
        var rnd = sim.rnd();
        String key = "/k" + rnd.nextInt(KEYS);
        int r = rnd.nextInt(100);
        if (r < 25) {
            String path = "/n" + index + "-" + nextNode++;
            send(write(OpCode.CREATE, path), new CreateRequest(path, bytes(path), Acl.OPEN_ACL_UNSAFE, 0));
        } else if (r < 50) {
            long value = sim.nextValue();
            send(write(OpCode.SET_DATA, key), new SetDataRequest(key, bytes(Long.toString(value)), -1));
        } else if (r < 75) {
            boolean watch = rnd.nextBoolean();
            send(new Sent(nextXid++, OpCode.GET_DATA, key, 0, watch), new GetDataRequest(key, watch));
        } else if (r < 83) {
            send(new Sent(nextXid++, OpCode.SYNC, key, 0, false), new SyncRequest(key));
            sim.log("client " + index + " syncs on n" + conn.member.id + ", floor 0x"
                    + Long.toHexString(sim.checker.ackedMzxid(key)));
            // Pipelined behind the sync: must see every write acknowledged before the sync was sent.
            send(new Sent(nextXid++, OpCode.GET_DATA, key, sim.checker.ackedMzxid(key), false),
                    new GetDataRequest(key, false));
        } else if (r < 90) {
            String path = "/e" + index + "-" + nextNode++;
            send(write(OpCode.CREATE, path), new CreateRequest(path, bytes(path), Acl.OPEN_ACL_UNSAFE, 1));
        } else if (r < 92) {
            send(write(OpCode.CLOSE_SESSION, null), null);
        } else {
            send(write(OpCode.CREATE, key), new CreateRequest(key, bytes("0"), Acl.OPEN_ACL_UNSAFE, 0));
        }
    }

    private Sent write(int type, String path) {
        return new Sent(nextXid++, type, path, 0, false);
    }

    private void send(Sent s, JuteRecord body) {
        pending.add(s);
        lastSendMs = sim.now();
        conn.member.processor.request(conn, new RequestHeader(s.xid, s.type), body);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Frames that reached the client, in the order the member flushed them. */
    private void receive(Conn c, List<byte[]> frames) {
        if (c == conn) {
            lastReceiveMs = sim.now();
        }
        for (byte[] frame : frames) {
            if (c != conn) {
                return;
            }
            JuteReader in = new JuteReader(frame, 4, frame.length - 4);
            if (handshaking) {
                handshake(ConnectResponse.read(in));
            } else {
                reply(ReplyHeader.read(in), in);
            }
        }
    }

    private void handshake(ConnectResponse r) {
        handshaking = false;
        if (r.sessionId() == 0 || r.timeOut() <= 0) {
            sim.checker.sessionEnded(sessionId, "expired");
            newSession();
            return;
        }
        sessionId = r.sessionId();
        passwd = r.passwd();
    }

    private void newSession() {
        sessionId = 0;
        passwd = new byte[ConnectResponse.PASSWORD_BYTES];
        seenMzxid.clear();
        lastZxidSeen = 0; // a new session of the same client: ZooKeeper's client starts over too
        dropConnection();
    }

    private void dropConnection() {
        Conn c = conn;
        conn = null;
        pending.clear();
        watchArmedAt.clear();
        if (c != null) {
            c.close("client gone");
        }
        sim.clientLater(this, 10 + sim.rnd().nextInt(40), this::connect);
    }

    private void reply(ReplyHeader h, JuteReader in) {
        replies++;
        if (h.zxid() < lastZxidSeen && h.xid() != Xids.PING) {
            sim.checker.fail("client " + index + " session 0x" + Long.toHexString(sessionId) + ": reply zxid 0x"
                    + Long.toHexString(h.zxid()) + " after it saw 0x" + Long.toHexString(lastZxidSeen));
        }
        lastZxidSeen = Math.max(lastZxidSeen, h.zxid());
        if (h.xid() == Xids.NOTIFICATION) {
            WatcherEvent ev = WatcherEvent.read(in);
            watchArmedAt.remove(ev.path());
            return;
        }
        Sent s = pending.peekFirst();
        if (s == null || s.xid != h.xid()) {
            sim.checker.fail("client " + index + " on n" + conn.member.id + ": reply to xid " + h.xid() + " (err "
                    + h.err() + ", zxid 0x" + Long.toHexString(h.zxid()) + ") while outstanding were " + pending);
            return;
        }
        pending.pollFirst();
        if (h.err() == ErrorCode.SESSIONEXPIRED.code()) {
            sim.checker.sessionEnded(sessionId, "expired");
            newSession();
            return;
        }
        if (s.type == OpCode.SYNC) {
            lastSyncFailed = h.err() != 0;
        }
        if (h.err() != 0) {
            return;
        }
        JuteRecord body = Replies.decodeBody(s.type, in);
        if (s.type == OpCode.CREATE) {
            sim.log("client " + index + " created " + s.path + " at zxid 0x" + Long.toHexString(h.zxid()));
            sim.checker.acked(s.path, h.zxid(), this);
        } else if (body instanceof SetDataResponse r) {
            observe(s.path, r.stat().mzxid(), s);
            sim.checker.ackedSet(s.path, r.stat().mzxid());
        } else if (body instanceof GetDataResponse r) {
            sim.log("client " + index + " read " + s.path + " mzxid 0x" + Long.toHexString(r.stat().mzxid())
                    + " on n" + conn.member.id);
            observe(s.path, r.stat().mzxid(), s);
            if (s.watch) {
                watchArmedAt.put(s.path, r.stat().mzxid());
            }
        } else if (s.type == OpCode.CLOSE_SESSION) {
            sim.log("client " + index + " close acknowledged by n" + conn.member.id + " at zxid 0x"
                    + Long.toHexString(h.zxid()));
            sim.checker.sessionEnded(sessionId, "closed");
            newSession();
        }
    }

    /** A value of {@code path} with this mzxid was seen: never older than before, nor than the sync floor. */
    private void observe(String path, long mzxid, Sent s) {
        long seen = seenMzxid.getOrDefault(path, 0L);
        long floor = lastSyncFailed ? 0 : s.floorMzxid;
        if (mzxid < seen || mzxid < floor) {
            sim.checker.fail("client " + index + " session 0x" + Long.toHexString(sessionId) + " read " + path
                    + " at mzxid 0x" + Long.toHexString(mzxid) + " after seeing 0x" + Long.toHexString(seen)
                    + " (sync floor 0x" + Long.toHexString(s.floorMzxid) + ")");
        }
        Long armed = watchArmedAt.get(path);
        if (armed != null && mzxid > armed) {
            sim.checker.fail("client " + index + " saw " + path + " change (mzxid 0x" + Long.toHexString(mzxid)
                    + ") before the event of the watch it set at 0x" + Long.toHexString(armed));
        }
        seenMzxid.put(path, Math.max(seen, mzxid));
    }

    /** The connection closed (by the member, or the member died): reconnect soon. */
    private void lost(Conn c) {
        if (c == conn) {
            sim.log("client " + index + " lost its connection to n" + c.member.id);
            conn = null;
            handshaking = false;
            pending.clear();
            watchArmedAt.clear();
            sim.clientLater(this, 10 + sim.rnd().nextInt(40), this::connect);
        }
    }

    @Override
    public String toString() {
        return index + (conn == null ? " unconnected" : " on n" + conn.member.id) + (handshaking ? " handshaking" : "")
                + " session 0x" + Long.toHexString(sessionId) + " pending " + pending;
    }

    /** The member {@code m} died: its connections are gone. */
    void memberDied(SimMember m) {
        if (conn != null && conn.member == m) {
            Conn c = conn;
            c.closed = true;
            lost(c);
        }
    }

    /** One TCP connection to a member, as the request pipeline sees it. */
    private final class Conn implements ClientChannel {
        final SimMember member;
        final int incarnation;
        final long id = sim.nextConnectionId();
        boolean closed;
        private List<byte[]> out = new ArrayList<>();
        private long lastDeliveryMs;

        Conn(SimMember member, int incarnation) {
            this.member = member;
            this.incarnation = incarnation;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public void send(byte[] framedPacket) {
            if (!closed) {
                out.add(framedPacket);
            }
        }

        @Override
        public void flush() {
            if (closed || out.isEmpty()) {
                return;
            }
            List<byte[]> frames = out;
            out = new ArrayList<>();
            deliver(() -> receive(this, frames));
        }

        @Override
        public void close(String reason) {
            if (closed) {
                return;
            }
            flush();
            closed = true;
            sim.count("connections closed: " + reason);
            deliver(() -> {
                if (member.alive && member.incarnation == incarnation) {
                    member.processor.disconnected(this);
                }
                lost(this);
            });
        }

        private void deliver(Runnable r) {
            lastDeliveryMs = Math.max(lastDeliveryMs, sim.now() + 1 + sim.rnd().nextInt(3));
            sim.clientAt(SimClient.this, lastDeliveryMs, r);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id); // not identity: the same run iterates the same way every time
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public InetAddress remoteAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public String describe() {
            return "sim-client-" + index + "#" + id;
        }

        @Override
        public void setReadable(boolean readable) {
        }
    }
}
