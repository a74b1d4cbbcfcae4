package io.coord.server.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coord.server.admin.FourLetterWords;
import io.coord.server.pipeline.MemberState;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.storage.CorruptFileException;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeCodec;
import io.coord.server.tree.NodeState;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnCodec;
import io.coord.server.txn.TxnEntry;
import io.coord.server.zab.Zxid;
import io.coord.wire.WireFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The read-only commands of {@code coord-admin}: {@code log dump}, {@code snapshot dump},
 * {@code verify}, {@code digest}. They read through the storage classes the server uses, opened
 * so that nothing on disk changes ({@link TxnLog#openReadOnly}), so they are safe on the data
 * directory of a running server (they see what was durable when they read it).
 */
final class DataDump {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ANY_TICK_MS = 2000;
    private static final byte[] ANY_SECRET = new byte[32];

    private DataDump() {
    }

    /** The state a server would recover from a data directory. */
    record State(DataTree tree, SortedMap<Long, Integer> sessionTimeoutsMs, long snapshotZxid, long lastZxid,
                 int txnsReplayed, List<String> tailNotes) {
    }

    static int logDump(AdminMain.Args a, PrintStream out) throws IOException {
        Path dir = dataDir(a.next());
        long from = 0;
        boolean json = false;
        for (String opt = a.nextOrNull(); opt != null; opt = a.nextOrNull()) {
            switch (opt) {
                case "--from" -> from = parseZxid(a.value(opt));
                case "--json" -> json = true;
                default -> throw new AdminMain.UsageException("unknown option for log dump: " + opt);
            }
        }
        boolean asJson = json;
        List<String> notes = new ArrayList<>();
        try (TxnLog log = TxnLog.openReadOnly(dir, notes)) {
            log.replay(from - 1, (zxid, bytes) -> {
                TxnEntry e = TxnCodec.decode(bytes);
                if (asJson) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("zxid", "0x" + Long.toHexString(zxid));
                    o.put("session", "0x" + Long.toHexString(e.header().sessionId()));
                    o.put("cxid", e.header().cxid());
                    o.put("timeMs", e.header().timeMs());
                    o.put("type", e.header().type());
                    o.put("txn", e.txn().toString());
                    out.println(o);
                } else {
                    out.printf("0x%x session 0x%x cxid %d time %d type %d %s%n", zxid, e.header().sessionId(),
                            e.header().cxid(), e.header().timeMs(), e.header().type(), e.txn());
                }
            });
        }
        notes.forEach(n -> out.println((asJson ? "// " : "# ") + n));
        return AdminMain.OK;
    }

    static int snapshotDump(AdminMain.Args a, PrintStream out) throws IOException {
        Path dir = dataDir(a.next());
        boolean json = false;
        for (String opt = a.nextOrNull(); opt != null; opt = a.nextOrNull()) {
            if (!opt.equals("--json")) {
                throw new AdminMain.UsageException("unknown option for snapshot dump: " + opt);
            }
            json = true;
        }
        boolean asJson = json;
        Optional<Long> zxid = new SnapshotStore(dir).loadNewestValid(s -> {
            SortedMap<Long, Integer> sessions = sessions(s.sessions());
            if (!asJson) {
                out.printf("# snapshot %s zxid 0x%x, %d nodes, %d sessions%n", s.file(), s.zxid(), s.nodeCount(),
                        sessions.size());
                sessions.forEach((id, t) -> out.printf("session 0x%x timeout %d ms%n", id, t));
            }
            ArrayNode nodes = JSON.createArrayNode();
            s.forEachNode((path, bytes) -> {
                NodeState n = NodeCodec.decode(bytes);
                if (asJson) {
                    nodes.add(nodeJson(path, n));
                } else {
                    out.printf("%s %s data=%s%n", path, n, n.data() == null ? "null"
                            : Base64.getEncoder().encodeToString(n.data()));
                }
            });
            if (asJson) {
                ObjectNode o = JSON.createObjectNode();
                o.put("file", s.file().toString());
                o.put("zxid", "0x" + Long.toHexString(s.zxid()));
                ObjectNode sessionsJson = o.putObject("sessions");
                sessions.forEach((id, t) -> sessionsJson.put("0x" + Long.toHexString(id), t));
                o.set("nodes", nodes);
                out.println(o.toPrettyString());
            }
            return s.zxid();
        });
        if (zxid.isEmpty()) {
            out.println("# no snapshot in " + dir);
        }
        return AdminMain.OK;
    }

    private static ObjectNode nodeJson(String path, NodeState n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("path", path);
        o.put("data", n.data() == null ? null : Base64.getEncoder().encodeToString(n.data()));
        ArrayNode acl = o.putArray("acl");
        n.acl().forEach(x -> acl.addObject().put("perms", x.perms()).put("scheme", x.id().scheme())
                .put("id", x.id().id()));
        o.put("czxid", n.czxid()).put("mzxid", n.mzxid()).put("pzxid", n.pzxid()).put("ctime", n.ctime())
                .put("mtime", n.mtime()).put("version", n.version()).put("cversion", n.cversion())
                .put("aversion", n.aversion()).put("ephemeralOwner", "0x" + Long.toHexString(n.ephemeralOwner()));
        return o;
    }

    static int verify(AdminMain.Args a, PrintStream out) throws IOException {
        Path dir = dataDir(a.next());
        int problems = 0;
        for (Map.Entry<String, String> e : new SnapshotStore(dir).checkAll().entrySet()) {
            out.printf("snapshot %s: %s%n", e.getKey(), e.getValue() == null ? "ok" : "DAMAGED: " + e.getValue());
            problems += e.getValue() == null ? 0 : 1;
        }
        try {
            State s = load(dir);
            s.tailNotes().forEach(n -> out.println("log: note: " + n));
            out.printf("snapshot zxid 0x%x + %d logged txns applied cleanly: %d nodes, %d sessions, last zxid 0x%x%n",
                    s.snapshotZxid(), s.txnsReplayed(), s.tree().nodeCount(), s.sessionTimeoutsMs().size(), s.lastZxid());
        } catch (IOException | RuntimeException e) {
            out.println("FAILED: " + e.getMessage());
            problems++;
        }
        out.println(problems == 0 ? "OK" : "FAILED: " + problems + " problem(s)");
        return problems == 0 ? AdminMain.OK : AdminMain.FAILED;
    }

    static int digest(AdminMain.Args a, PrintStream out) throws IOException {
        State s = load(dataDir(a.next()));
        out.print(FourLetterWords.hash(s.lastZxid(), s.tree().digest()));
        return AdminMain.OK;
    }

    /**
     * What the server recovers: the newest valid snapshot, then every logged txn after it through
     * {@link TxnApplier}; a gap between snapshot and log, or a txn that does not apply, throws.
     */
    static State load(Path dir) throws IOException {
        record Snap(DataTree tree, SortedMap<Long, Integer> sessions, long zxid) {
        }
        Optional<Snap> snap = new SnapshotStore(dir).loadNewestValid(s -> new Snap(
                DataTree.fromSnapshot(sink -> s.forEachNodeBytes(sink::accept), s.nodeCount()),
                sessions(s.sessions()), s.zxid()));
        DataTree tree = snap.map(Snap::tree).orElseGet(DataTree::new);
        java.util.TreeMap<Long, Integer> sessions = new java.util.TreeMap<>(snap.map(Snap::sessions).orElse(
                java.util.Collections.emptySortedMap()));
        long snapZxid = snap.map(Snap::zxid).orElse(0L);
        List<String> notes = new ArrayList<>();
        long[] last = {snapZxid};
        int[] replayed = {0};
        try (TxnLog log = TxnLog.openReadOnly(dir, notes)) {
            if (!continuesFrom(log.firstZxid(), snapZxid)) {
                throw new CorruptFileException(log.directory(), -1, "the log starts at zxid 0x"
                        + Long.toHexString(log.firstZxid()) + " but the newest valid snapshot ends at 0x"
                        + Long.toHexString(snapZxid) + ": transactions in between are missing");
            }
            log.replay(snapZxid, (zxid, bytes) -> {
                TxnEntry e = TxnCodec.decode(bytes);
                TxnApplier.apply(tree, e.header(), e.txn());
                if (e.txn() instanceof io.coord.server.txn.Txn.CreateSessionTxn c) {
                    sessions.put(e.header().sessionId(), c.timeoutMs());
                } else if (e.txn() instanceof io.coord.server.txn.Txn.CloseSessionTxn) {
                    sessions.remove(e.header().sessionId());
                }
                last[0] = zxid;
                replayed[0]++;
            });
        }
        return new State(tree, sessions, snapZxid, last[0], replayed[0], notes);
    }

    /**
     * Whether a log whose first record is {@code firstZxid} holds every txn after a snapshot at
     * {@code snapZxid}: it starts at or before the next zxid, or with the first txn of a later
     * epoch (a leader, standalone included, starts each epoch at counter 1; the snapshot's epoch
     * had nothing after it, or the log would hold it).
     */
    static boolean continuesFrom(long firstZxid, long snapZxid) {
        return firstZxid <= snapZxid + 1
                || (Zxid.counterOf(firstZxid) == 1 && Zxid.epochOf(firstZxid) > Zxid.epochOf(snapZxid));
    }

    /** Session id to timeout from a sessions blob, standalone or ensemble form. */
    private static SortedMap<Long, Integer> sessions(byte[] blob) {
        try {
            return SessionTracker.restore(blob, Clock.system(), ANY_TICK_MS, 0, ANY_SECRET).sessionTimeouts();
        } catch (WireFormatException standalone) {
            return MemberState.restore(new DataTree(), blob, Clock.system(), ANY_TICK_MS, 0, ANY_SECRET)
                    .tracker.sessionTimeouts();
        }
    }

    static Path dataDir(String arg) throws IOException {
        Path dir = Path.of(arg);
        if (!Files.isDirectory(dir.resolve("version-1"))) {
            throw new IOException("no Coord data in " + dir + " (no version-1 directory)");
        }
        return dir;
    }

    private static long parseZxid(String s) {
        try {
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new AdminMain.UsageException("not a zxid: " + s + " (decimal, or hex with 0x)");
        }
    }
}
