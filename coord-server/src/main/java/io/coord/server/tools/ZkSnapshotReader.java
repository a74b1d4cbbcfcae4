package io.coord.server.tools;

import io.coord.server.tree.NodeCodec;
import io.coord.server.tree.NodeState;
import io.coord.wire.Acl;
import io.coord.wire.Id;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Reads one ZooKeeper snapshot file ({@code version-2/snapshot.<zxid hex>}, or its {@code .gz}
 * or {@code .snappy} form, through {@link SnappyStreamInput}) as ZooKeeper 3.5 to 3.9 write it: a file header (magic "ZKSN", version 2, dbid), the
 * session table (count, then id and timeout each), the ACL cache (count, then index and ACL
 * vector each), the nodes depth-first (path, data, ACL index, persisted Stat) ended by the path
 * "/", an Adler32 seal (checksum of everything before it, then the string "/"), and optionally a
 * digest and a last-processed zxid, each with its own seal. Every seal is checked.
 */
final class ZkSnapshotReader {
    static final int SNAP_MAGIC = 0x5A4B534E; // "ZKSN"
    static final int FILE_VERSION = 2;
    private static final int SEAL_BYTES = 8 + 4 + 1;
    private static final int DIGEST_BYTES = 8 + 4 + 8;

    private ZkSnapshotReader() {
    }

    /** The content of a snapshot: nodes in the file's (depth-first) order as Coord node bytes. */
    record ZkSnapshot(Path file, long zxid, Map<Long, Integer> sessionTimeoutsMs,
                      List<Map.Entry<String, byte[]>> nodes, Set<Long> ephemeralOwners) {
    }

    static ZkSnapshot read(Path file, long zxid) throws IOException {
        String name = file.getFileName().toString();
        boolean gzip = name.endsWith(".gz");
        boolean snappy = name.endsWith(".snappy");
        InputStream raw = Files.newInputStream(file);
        try {
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16)
                    : snappy ? new SnappyStreamInput(new java.io.BufferedInputStream(raw, 1 << 16)) : raw;
            try (ZkArchive a = new ZkArchive(file, in, gzip || snappy ? " (offset in the uncompressed stream)" : "")) {
                return read(file, zxid, a);
            }
        } catch (java.util.zip.ZipException e) {
            raw.close();
            throw new ZkFormatException(file, -1, "not a valid gzip stream: " + e.getMessage());
        } catch (java.io.EOFException e) {
            raw.close();
            throw new ZkFormatException(file, -1, (snappy ? "snappy" : "gzip") + " stream cut short (truncated)");
        } catch (ZkFormatException e) {
            raw.close();
            throw e;
        } catch (IOException e) {
            raw.close();
            if (snappy) {
                throw new ZkFormatException(file, -1, "not a valid snappy stream: " + e.getMessage());
            }
            throw e;
        }
    }

    private static ZkSnapshot read(Path file, long zxid, ZkArchive a) throws IOException {
        int magic = a.readInt("file header");
        if (magic != SNAP_MAGIC) {
            throw a.damaged(0, "not a ZooKeeper snapshot (magic 0x" + Integer.toHexString(magic) + ", expected ZKSN)");
        }
        int version = a.readInt("file header");
        if (version != FILE_VERSION) {
            throw a.damaged(4, "unsupported ZooKeeper snapshot version " + version);
        }
        a.readLong("file header dbid");
        Map<Long, Integer> sessions = readSessions(a);
        Map<Long, List<Acl>> acls = readAcls(a);
        List<Map.Entry<String, byte[]>> nodes = new ArrayList<>();
        Set<Long> owners = new HashSet<>();
        readNodes(a, acls, nodes, owners);
        checkSeal(a, "snapshot");
        readTrailer(a);
        return new ZkSnapshot(file, zxid, sessions, nodes, owners);
    }

    private static Map<Long, Integer> readSessions(ZkArchive a) throws IOException {
        long at = a.offset();
        int count = a.readInt("session count");
        if (count < 0) {
            throw a.damaged(at, "bad session count " + count);
        }
        Map<Long, Integer> sessions = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long id = a.readLong("session id");
            int timeoutMs = a.readInt("session timeout");
            if (timeoutMs <= 0) {
                throw a.damaged(a.offset() - 4, "bad timeout " + timeoutMs + " of session 0x" + Long.toHexString(id));
            }
            sessions.put(id, timeoutMs);
        }
        return sessions;
    }

    private static Map<Long, List<Acl>> readAcls(ZkArchive a) throws IOException {
        long at = a.offset();
        int count = a.readInt("ACL cache size");
        if (count < 0) {
            throw a.damaged(at, "bad ACL cache size " + count);
        }
        Map<Long, List<Acl>> acls = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long index = a.readLong("ACL index");
            acls.put(index, readAclList(a));
        }
        return acls;
    }

    /** A jute vector of ACL (perms, scheme, id); also used for txn records. */
    static List<Acl> readAclList(ZkArchive a) throws IOException {
        long at = a.offset();
        int n = a.readInt("ACL list size");
        if (n < 0 || n > ZkArchive.MAX_LENGTH / 12) {
            throw a.damaged(at, "bad ACL list size " + n);
        }
        List<Acl> list = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            int perms = a.readInt("ACL perms");
            String scheme = a.readString("ACL scheme");
            String id = a.readString("ACL id");
            list.add(new Acl(perms, new Id(scheme, id)));
        }
        return List.copyOf(list);
    }

    /**
     * ZooKeeper persists a node's cversion as the number of child creations and reports
     * {@code 2 * persisted - numChildren} (every create has a delete, except for the children still
     * there); Coord keeps the reported value, so it is converted once the children are counted.
     */
    private static void readNodes(ZkArchive a, Map<Long, List<Acl>> acls, List<Map.Entry<String, byte[]>> nodes,
                                  Set<Long> owners) throws IOException {
        List<Map.Entry<String, NodeState>> states = new ArrayList<>();
        Map<String, Integer> childCounts = new HashMap<>();
        readStates(a, acls, states, childCounts, owners);
        for (Map.Entry<String, NodeState> e : states) {
            NodeState n = e.getValue();
            int children = childCounts.getOrDefault(e.getKey(), 0);
            NodeState visible = n.withChildChange(2 * n.cversion() - children, n.pzxid());
            nodes.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), NodeCodec.encode(visible)));
        }
    }

    private static void readStates(ZkArchive a, Map<Long, List<Acl>> acls, List<Map.Entry<String, NodeState>> nodes,
                                   Map<String, Integer> childCounts, Set<Long> owners) throws IOException {
        Set<String> seen = new HashSet<>();
        long at = a.offset();
        String path = a.readString("node path");
        while (!"/".equals(path)) {
            if (path == null) {
                throw a.damaged(at, "null node path");
            }
            String coordPath = path.isEmpty() ? "/" : path;
            byte[] data = a.readBuffer("node data");
            long aclAt = a.offset();
            long aclIndex = a.readLong("node ACL index");
            List<Acl> acl = aclIndex == -1 ? Acl.OPEN_ACL_UNSAFE : acls.get(aclIndex);
            if (acl == null) {
                throw a.damaged(aclAt, "node " + coordPath + " refers to ACL index " + aclIndex + ", not in the snapshot");
            }
            NodeState state = new NodeState(data, acl, a.readLong("czxid"), a.readLong("mzxid"), a.readLong("ctime"),
                    a.readLong("mtime"), a.readInt("version"), a.readInt("cversion"), a.readInt("aversion"),
                    a.readLong("ephemeralOwner"), a.readLong("pzxid"));
            if (!path.isEmpty()) {
                int slash = path.lastIndexOf('/');
                String parent = slash <= 0 ? "/" : path.substring(0, slash);
                if (slash < 0 || !seen.contains(parent)) {
                    throw a.damaged(at, "node " + path + " comes without its parent");
                }
                childCounts.merge(parent, 1, Integer::sum);
            }
            if (!seen.add(coordPath)) {
                throw a.damaged(at, "node " + coordPath + " appears twice");
            }
            if (state.ephemeralOwner() != 0) {
                owners.add(state.ephemeralOwner());
            }
            nodes.add(new AbstractMap.SimpleImmutableEntry<>(coordPath, state));
            at = a.offset();
            path = a.readString("node path");
        }
        if (!seen.contains("/")) {
            throw a.damaged(at, "snapshot has no root node");
        }
    }

    /** Checks a seal: the Adler32 of everything before it, then the string "/". */
    private static void checkSeal(ZkArchive a, String what) throws IOException {
        long expected = a.checksum();
        long at = a.offset();
        long stored = a.readLong(what + " checksum");
        String slash = a.readString(what + " seal");
        if (stored != expected) {
            throw a.damaged(at, what + " Adler32 checksum mismatch (stored " + Long.toHexString(stored)
                    + ", computed " + Long.toHexString(expected) + "): the file is damaged");
        }
        if (!"/".equals(slash)) {
            throw a.damaged(at + 8, "bad seal after the " + what);
        }
    }

    /**
     * The optional sections after the tree, told apart by their size since ZooKeeper writes them
     * by configuration: a digest (zxid, version, value) and/or the last processed zxid, each sealed.
     */
    private static void readTrailer(ZkArchive a) throws IOException {
        int rest = a.peekRemaining(256);
        long at = a.offset();
        if (rest == 0) {
            return;
        }
        boolean digest = rest == DIGEST_BYTES + SEAL_BYTES || rest == DIGEST_BYTES + 8 + 2 * SEAL_BYTES;
        boolean lastZxid = rest == 8 + SEAL_BYTES || rest == DIGEST_BYTES + 8 + 2 * SEAL_BYTES;
        if (!digest && !lastZxid) {
            throw a.damaged(at, rest + " unexpected bytes after the snapshot's tree");
        }
        if (digest) {
            a.readLong("digest zxid");
            int digestVersion = a.readInt("digest version");
            if (digestVersion < 2) {
                throw a.damaged(at, "unsupported digest version " + digestVersion);
            }
            a.readLong("digest");
            checkSeal(a, "digest");
        }
        if (lastZxid) {
            a.readLong("last processed zxid");
            checkSeal(a, "last processed zxid");
        }
    }

    /** Snapshot files under dir/version-2 by zxid (newest last); compressed forms included. */
    static TreeMap<Long, Path> list(Path dir) throws IOException {
        return ZkFiles.byZxid(dir, "snapshot.");
    }
}
