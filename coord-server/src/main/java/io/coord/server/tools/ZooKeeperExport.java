package io.coord.server.tools;

import io.coord.server.storage.ForeignDataCheck;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeState;
import io.coord.wire.Acl;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import java.util.zip.CheckedOutputStream;

/**
 * {@code coord-admin export-zookeeper}: the way back. Writes the state a Coord server would recover
 * from its data directory as one ZooKeeper snapshot, {@code DIR/version-2/snapshot.<zxid hex>}, in
 * the format {@link ZkSnapshotReader} reads (header, sessions, ACL cache, nodes in path order with
 * the persisted Stat, Adler32 seal). ZooKeeper 3.5 to 3.9 start from it with the same tree, Stat,
 * ACLs, zxid and sessions. Sessions that were imported from ZooKeeper keep working there (their
 * clients hold ZooKeeper's password for them); sessions created on Coord cannot reattach to
 * ZooKeeper (their passwords are Coord's) and expire there after their timeout, with their ephemerals.
 */
public final class ZooKeeperExport {
    private static final long DB_ID = -1;

    private ZooKeeperExport() {
    }

    /** What was exported. */
    public record Result(Path snapshot, long zxid, int nodeCount, int sessionCount) {
    }

    public static Result export(Path coordDataDir, Path zkDataDir, PrintStream progress) throws IOException {
        Path versionDir = ZkFiles.versionDir(zkDataDir);
        if (ForeignDataCheck.firstZooKeeperFile(versionDir.getParent()).isPresent()) {
            throw new IOException(versionDir + " already holds ZooKeeper files; export into an empty directory");
        }
        DataDump.State state = DataDump.load(coordDataDir);
        Files.createDirectories(versionDir);
        Path target = versionDir.resolve("snapshot." + Long.toHexString(state.lastZxid()));
        Path tmp = versionDir.resolve(".snapshot.tmp");
        try {
            try (OutputStream file = Files.newOutputStream(tmp)) {
                write(state, file);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        progress.printf("wrote %s: %d nodes, %d sessions, zxid 0x%x%n", target, state.tree().nodeCount(),
                state.sessionTimeoutsMs().size(), state.lastZxid());
        return new Result(target, state.lastZxid(), state.tree().nodeCount(), state.sessionTimeoutsMs().size());
    }

    private static void write(DataDump.State state, OutputStream file) throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16), new Adler32());
        DataOutputStream out = new DataOutputStream(checked);
        out.writeInt(ZkSnapshotReader.SNAP_MAGIC);
        out.writeInt(ZkSnapshotReader.FILE_VERSION);
        out.writeLong(DB_ID);
        out.writeInt(state.sessionTimeoutsMs().size());
        for (Map.Entry<Long, Integer> e : state.sessionTimeoutsMs().entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue());
        }
        DataTree tree = state.tree();
        List<String> paths = tree.sortedPaths(); // a parent's path is a prefix of its child's: it sorts first
        Map<List<Acl>, Long> aclIndex = writeAcls(out, tree, paths);
        for (String path : paths) {
            NodeState n = tree.node(path);
            writeString(out, path.equals("/") ? "" : path);
            writeBuffer(out, n.data());
            out.writeLong(aclIndex.get(n.acl()));
            out.writeLong(n.czxid());
            out.writeLong(n.mzxid());
            out.writeLong(n.ctime());
            out.writeLong(n.mtime());
            out.writeInt(n.version());
            // ZooKeeper persists the number of child creations; clients see 2 * that - numChildren.
            out.writeInt(Math.floorDiv(n.cversion() + tree.childCount(path), 2));
            out.writeInt(n.aversion());
            out.writeLong(n.ephemeralOwner());
            out.writeLong(n.pzxid());
        }
        writeString(out, "/");
        out.flush();
        out.writeLong(checked.getChecksum().getValue());
        writeString(out, "/");
        out.flush();
    }

    private static Map<List<Acl>, Long> writeAcls(DataOutputStream out, DataTree tree, List<String> paths)
            throws IOException {
        Map<List<Acl>, Long> index = new HashMap<>();
        for (String path : paths) {
            index.computeIfAbsent(tree.node(path).acl(), acl -> (long) index.size() + 1);
        }
        out.writeInt(index.size());
        for (Map.Entry<List<Acl>, Long> e : index.entrySet()) {
            out.writeLong(e.getValue());
            out.writeInt(e.getKey().size());
            for (Acl acl : e.getKey()) {
                out.writeInt(acl.perms());
                writeString(out, acl.id().scheme());
                writeString(out, acl.id().id());
            }
        }
        return index;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBuffer(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBuffer(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }
}
