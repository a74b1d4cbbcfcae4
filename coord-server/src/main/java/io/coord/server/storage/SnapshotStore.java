package io.coord.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immutable snapshot files under snapDir/version-1. Each snapshot is a fresh MapDB file
 * {@code snapshot.<zxid hex>.mapdb} holding a BTreeMap of node key to opaque node bytes
 * (bulk-loaded from sorted input), the opaque sessions blob and the zxid. A snapshot counts only
 * once {@code snapshots.manifest} lists it with its size and whole-file CRC32C; a file the
 * manifest does not list is garbage from a crash and is ignored, which is safe because the log is
 * purged only up to a snapshot the manifest lists.
 *
 * <p>Not thread-safe: the snapshot thread calls write and purge; recovery calls loadNewestValid
 * before that thread starts. MapDB is used without its transactions, so a file is never opened for
 * writing once it is complete.
 */
public final class SnapshotStore {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final String NODES = "nodes";
    private static final String ZXID = "zxid";
    private static final String SESSIONS = "sessions";
    private static final String NODE_COUNT = "nodeCount";
    private static final String TMP_SUFFIX = ".tmp";

    private final Path dir;

    public SnapshotStore(Path snapDir) throws IOException {
        this.dir = snapDir.resolve("version-1");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            StorageFiles.fsyncDirectory(snapDir);
        }
    }

    public Path directory() {
        return dir;
    }

    /**
     * Writes a snapshot of zxid and records it in the manifest.
     *
     * @param sortedNodes entries with keys strictly ascending by {@link String#compareTo}
     * @return the snapshot file
     * @throws IllegalArgumentException if keys are not strictly ascending
     */
    public Path write(long zxid, Iterator<Map.Entry<String, byte[]>> sortedNodes, byte[] sessions) throws IOException {
        if (zxid <= 0) {
            throw new IllegalArgumentException("zxid must be > 0: " + zxid);
        }
        List<SnapshotManifest.Entry> entries = new ArrayList<>(SnapshotManifest.read(dir));
        String name = SnapshotManifest.snapshotFileName(zxid);
        Path target = dir.resolve(name);
        if (entries.stream().anyMatch(e -> e.zxid() == zxid)) {
            LOG.info("Snapshot {} already exists; not writing it again", name);
            return target;
        }
        Path tmp = dir.resolve(name + TMP_SUFFIX);
        Files.deleteIfExists(tmp);
        Files.deleteIfExists(target); // an unlisted file is a leftover of a crashed write
        long startNs = System.nanoTime();
        long nodeCount = buildFile(tmp, zxid, sortedNodes, sessions);
        long builtNs = System.nanoTime();
        StorageFiles.forceFile(tmp);
        int crc = StorageFiles.crc32cOfFile(tmp);
        long size = Files.size(tmp);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        StorageFiles.fsyncDirectory(dir);
        entries.add(new SnapshotManifest.Entry(name, zxid, size, crc));
        SnapshotManifest.write(dir, entries);
        LOG.info("Wrote snapshot {} ({} nodes, {} bytes; build {} ms, force+checksum+manifest {} ms)", name,
                nodeCount, size, (builtNs - startNs) / 1_000_000, (System.nanoTime() - builtNs) / 1_000_000);
        return target;
    }

    private static long buildFile(Path tmp, long zxid, Iterator<Map.Entry<String, byte[]>> sortedNodes,
                                  byte[] sessions) {
        DB db = DBMaker.fileDB(tmp.toFile()).fileMmapEnableIfSupported().make();
        try {
            DB.TreeMapSink<String, byte[]> sink =
                    db.treeMap(NODES, Serializer.STRING, Serializer.BYTE_ARRAY).createFromSink();
            long count = 0;
            String previous = null;
            while (sortedNodes.hasNext()) {
                Map.Entry<String, byte[]> e = sortedNodes.next();
                if (previous != null && previous.compareTo(e.getKey()) >= 0) {
                    throw new IllegalArgumentException("snapshot keys not strictly ascending: '"
                            + previous + "' then '" + e.getKey() + "'");
                }
                sink.put(e.getKey(), e.getValue());
                previous = e.getKey();
                count++;
            }
            sink.create();
            db.atomicLong(ZXID, zxid).create();
            db.atomicLong(NODE_COUNT, count).create();
            db.atomicVar(SESSIONS, Serializer.BYTE_ARRAY, sessions).create();
            return count;
        } finally {
            db.close();
        }
    }

    /**
     * Opens the newest snapshot in the manifest whose size and whole-file CRC32C match and which
     * opens cleanly, falling back to older ones with a warning.
     *
     * @return empty only if the manifest lists no snapshot
     * @throws CorruptFileException if the manifest is damaged, or lists snapshots but none is
     *     valid: the log may already be purged past them, so starting empty would lose data
     */
    public Optional<LoadedSnapshot> loadNewestValid() throws IOException {
        List<SnapshotManifest.Entry> entries = SnapshotManifest.read(dir);
        for (int i = entries.size() - 1; i >= 0; i--) {
            SnapshotManifest.Entry entry = entries.get(i);
            String problem = verify(entry);
            if (problem == null) {
                try {
                    return Optional.of(open(entry));
                } catch (RuntimeException | IOException e) {
                    problem = "cannot be opened: " + e;
                }
            }
            LOG.warn("Skipping snapshot {}: {}", entry.fileName(), problem);
        }
        if (!entries.isEmpty()) {
            throw new CorruptFileException(dir.resolve(SnapshotManifest.FILE_NAME), -1,
                    "none of the " + entries.size() + " snapshots it lists is valid");
        }
        return Optional.empty();
    }

    /** Null if the file matches its manifest entry, else what is wrong. */
    private String verify(SnapshotManifest.Entry entry) throws IOException {
        Path file = dir.resolve(entry.fileName());
        if (!Files.exists(file)) {
            return "file is missing";
        }
        long size = Files.size(file);
        if (size != entry.sizeBytes()) {
            return "size " + size + " differs from manifest " + entry.sizeBytes();
        }
        int crc = StorageFiles.crc32cOfFile(file);
        if (crc != entry.crc32c()) {
            return "whole-file CRC32C mismatch";
        }
        return null;
    }

    private LoadedSnapshot open(SnapshotManifest.Entry entry) throws IOException {
        Path file = dir.resolve(entry.fileName());
        DB db = DBMaker.fileDB(file.toFile()).readOnly().fileMmapEnableIfSupported().make();
        try {
            BTreeMap<String, byte[]> nodes = db.treeMap(NODES, Serializer.STRING, Serializer.BYTE_ARRAY).open();
            long zxid = db.atomicLong(ZXID).open().get();
            long count = db.atomicLong(NODE_COUNT).open().get();
            byte[] sessions = db.atomicVar(SESSIONS, Serializer.BYTE_ARRAY).open().get();
            if (zxid != entry.zxid()) {
                throw new CorruptFileException(file, -1, "holds zxid " + Long.toHexString(zxid));
            }
            return new LoadedSnapshot(file, db, nodes, zxid, count, sessions == null ? new byte[0] : sessions);
        } catch (RuntimeException | IOException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Keeps the newest retainCount valid snapshots and deletes every other snapshot file and
     * leftover tmp file. The manifest is rewritten before files are deleted, so it never lists a
     * missing file.
     *
     * @return zxid of the oldest retained snapshot (log records up to it may be purged), or 0 if
     *     none is retained
     */
    public long purge(int retainCount) throws IOException {
        if (retainCount < 1) {
            throw new IllegalArgumentException("retainCount must be >= 1: " + retainCount);
        }
        List<SnapshotManifest.Entry> entries = SnapshotManifest.read(dir);
        List<SnapshotManifest.Entry> retained = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0 && retained.size() < retainCount; i--) {
            String problem = verify(entries.get(i));
            if (problem == null) {
                retained.add(0, entries.get(i));
            } else {
                LOG.warn("Dropping invalid snapshot {}: {}", entries.get(i).fileName(), problem);
            }
        }
        if (retained.size() != entries.size()) {
            SnapshotManifest.write(dir, retained);
        }
        deleteUnlisted(retained);
        return retained.isEmpty() ? 0 : retained.get(0).zxid();
    }

    /** Forgets every snapshot (manifest first, then the files): the state is empty again. */
    public void deleteAll() throws IOException {
        SnapshotManifest.write(dir, List.of());
        deleteUnlisted(List.of());
    }

    private void deleteUnlisted(List<SnapshotManifest.Entry> retained) throws IOException {
        List<Path> doomed;
        try (Stream<Path> files = Files.list(dir)) {
            doomed = files.filter(p -> {
                String name = p.getFileName().toString();
                boolean snapshot = name.startsWith(SnapshotManifest.SNAPSHOT_PREFIX);
                boolean listed = retained.stream().anyMatch(e -> e.fileName().equals(name));
                return snapshot && !listed;
            }).toList();
        }
        for (Path p : doomed) {
            Files.delete(p);
            LOG.info("Deleted snapshot file {}", p.getFileName());
        }
        if (!doomed.isEmpty()) {
            StorageFiles.fsyncDirectory(dir);
        }
    }

    /** Zxids of the snapshots the manifest lists, oldest first. */
    public List<Long> listedZxids() throws IOException {
        return SnapshotManifest.read(dir).stream().map(SnapshotManifest.Entry::zxid).toList();
    }
}
