package io.coord.server.pipeline;

import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.tree.DataTree;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteWriter;
import io.coord.wire.WireFormatException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated state machine of an ensemble member: the tree, the global session table and the
 * session passwords (chosen by the member that created each session and carried in its
 * CreateSessionTxn, so that any member can check a reattaching client). Also the two byte formats
 * built from it: the sessions blob stored in snapshots, and the full SNAP blob a leader ships.
 */
public final class MemberState {
    private static final int SESSIONS_MAGIC = 0x434f5345; // "COSE"
    private static final int MAX_NODES = 1 << 28;

    public final DataTree tree;
    public final SessionTracker tracker;
    public final Map<Long, byte[]> passwords;

    public MemberState(DataTree tree, SessionTracker tracker, Map<Long, byte[]> passwords) {
        this.tree = tree;
        this.tracker = tracker;
        this.passwords = passwords;
    }

    /** The sessions blob of a snapshot: the tracker's own format plus the passwords. */
    public byte[] encodeSessions() {
        JuteWriter out = new JuteWriter(64 + passwords.size() * 32);
        out.writeInt(SESSIONS_MAGIC).writeBuffer(tracker.serialize());
        TreeMap<Long, byte[]> sorted = new TreeMap<>(passwords);
        out.writeInt(sorted.size());
        sorted.forEach((id, pw) -> out.writeLong(id).writeBuffer(pw));
        return out.toByteArray();
    }

    /**
     * Rebuilds the state from a snapshot's tree and sessions blob. A blob without the magic is the
     * tracker's own format, as standalone servers wrote it before standalone became a one-voter
     * ensemble: its sessions' passwords were never stored but derived from the server's secret
     * (dataDir/session-secret), so they are derived once more here ({@link #legacyPassword}) and
     * stored from then on; the next snapshot is written in the current format.
     */
    public static MemberState restore(DataTree tree, byte[] sessions, Clock clock, int tickTimeMs, long myId,
                                      byte[] secret) {
        JuteReader in = new JuteReader(sessions);
        if (sessions.length < 4 || in.readInt() != SESSIONS_MAGIC) {
            SessionTracker legacy = SessionTracker.restore(sessions, clock, tickTimeMs, myId, secret);
            Map<Long, byte[]> derived = new HashMap<>();
            for (long id : legacy.sessionTimeouts().keySet()) {
                derived.put(id, legacy.password(id));
            }
            return new MemberState(tree, legacy, derived);
        }
        SessionTracker tracker = SessionTracker.restore(in.readBuffer(), clock, tickTimeMs, myId, secret);
        int n = in.readInt();
        if (n < 0 || n > in.remaining() / 12) {
            throw new WireFormatException("bad password count " + n);
        }
        Map<Long, byte[]> passwords = new HashMap<>();
        for (int i = 0; i < n; i++) {
            passwords.put(in.readLong(), in.readBuffer());
        }
        return new MemberState(tree, tracker, passwords);
    }

    /**
     * The password of a session created by a standalone server before standalone became a one-voter
     * ensemble: its CreateSessionTxn carries none, the server derived it from its secret.
     */
    public byte[] legacyPassword(long sessionId) {
        return tracker.password(sessionId);
    }

    public static MemberState empty(Clock clock, int tickTimeMs, long myId, byte[] secret) {
        return new MemberState(new DataTree(), new SessionTracker(clock, tickTimeMs, myId, secret), new HashMap<>());
    }

    /** The SNAP blob: zxid, sessions blob, then every node (path, node bytes) in path order. */
    public byte[] encodeBlob(long zxid) {
        JuteWriter out = new JuteWriter(1 << 16);
        out.writeLong(zxid).writeBuffer(encodeSessions());
        int countAt = out.size();
        out.writeInt(0);
        int count = 0;
        // The tree as it is now (the caller's thread owns it, so it cannot change meanwhile): no
        // snapshot view is needed. Taking one here once threw while a background snapshot held the
        // tree's then single view, stopping a leader that had to send a follower a SNAP.
        Iterator<Map.Entry<String, byte[]>> it = tree.sortedNodesNow();
        while (it.hasNext()) {
            Map.Entry<String, byte[]> e = it.next();
            out.writeString(e.getKey()).writeBuffer(e.getValue());
            count++;
        }
        out.putIntAt(countAt, count);
        return out.toByteArray();
    }

    /** A decoded SNAP blob. */
    public record Blob(long zxid, byte[] sessions, List<Map.Entry<String, byte[]>> nodes) {
    }

    public static Blob decodeBlob(byte[] blob) {
        JuteReader in = new JuteReader(blob);
        long zxid = in.readLong();
        byte[] sessions = in.readBuffer();
        int n = in.readInt();
        if (n < 1 || n > MAX_NODES || n > in.remaining() / 8) {
            throw new WireFormatException("bad node count " + n);
        }
        List<Map.Entry<String, byte[]>> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(new AbstractMap.SimpleImmutableEntry<>(in.readString(), in.readBuffer()));
        }
        return new Blob(zxid, sessions, nodes);
    }

    public static MemberState fromBlob(Blob blob, Clock clock, int tickTimeMs, long myId, byte[] secret) {
        return restore(DataTree.fromSnapshot(blob.nodes().iterator()), blob.sessions(), clock, tickTimeMs, myId,
                secret);
    }
}
