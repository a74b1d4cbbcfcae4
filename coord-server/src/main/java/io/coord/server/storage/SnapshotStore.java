package io.coord.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Immutable snapshot files under snapDir/version-1. A snapshot is written as
 * {@code snapshot.<zxid hex>.snap} in the streaming format of {@link SnapshotFile} (node key to
 * opaque node bytes in key order, the opaque sessions blob and the zxid, every block with its
 * CRC32C). Snapshots of earlier versions, MapDB files {@code snapshot.<zxid hex>.mapdb}, are
 * still read. A snapshot counts only once {@code snapshots.manifest} lists it with its size and
 * whole-file CRC32C; a file the manifest does not list is garbage from a crash and is ignored,
 * which is safe because the log is purged only up to a snapshot the manifest lists.
 *
 * <p>Not thread-safe: the snapshot thread calls write and purge; recovery calls loadNewestValid
 * before that thread starts.
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
        long[] sizeAndCrc;
        long nodeCount;
        try (SnapshotFile.Writer out = new SnapshotFile.Writer(tmp, zxid, sessions)) {
            String previous = null;
            while (sortedNodes.hasNext()) {
                Map.Entry<String, byte[]> e = sortedNodes.next();
                if (previous != null && previous.compareTo(e.getKey()) >= 0) {
                    throw new IllegalArgumentException("snapshot keys not strictly ascending: '"
                            + previous + "' then '" + e.getKey() + "'");
                }
                out.add(e.getKey(), e.getValue());
                previous = e.getKey();
            }
            sizeAndCrc = out.finish();
            nodeCount = out.nodeCount();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        long builtNs = System.nanoTime();
        StorageFiles.forceFile(tmp);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        StorageFiles.fsyncDirectory(dir);
        entries.add(new SnapshotManifest.Entry(name, zxid, sizeAndCrc[0], (int) sizeAndCrc[1]));
        SnapshotManifest.write(dir, entries);
        LOG.info("Wrote snapshot {} ({} nodes, {} bytes; write {} ms, force+manifest {} ms)", name,
                nodeCount, sizeAndCrc[0], (builtNs - startNs) / 1_000_000, (System.nanoTime() - builtNs) / 1_000_000);
        return target;
    }

    /** Loads a snapshot into some state: called once per snapshot tried, newest first. */
    @FunctionalInterface
    public interface SnapshotLoader<T> {
        T load(LoadedSnapshot snapshot) throws IOException;
    }

    /**
     * Loads the newest valid snapshot in one pass: a streaming-format file is checked while the
     * loader reads it (block CRCs, node count, the manifest's whole-file CRC32C), so damage found
     * part-way throws away what the loader built and the next older snapshot is tried, with a
     * warning. A loader failure that is not damage of the file propagates.
     *
     * @return empty only if the manifest lists no snapshot
     * @throws CorruptFileException if the manifest is damaged, or lists snapshots but none is
     *     valid: the log may already be purged past them, so starting empty would lose data
     */
    public <T> Optional<T> loadNewestValid(SnapshotLoader<T> loader) throws IOException {
        List<SnapshotManifest.Entry> entries = SnapshotManifest.read(dir);
        for (int i = entries.size() - 1; i >= 0; i--) {
            SnapshotManifest.Entry entry = entries.get(i);
            String problem = isMapDb(entry) ? verify(entry) : verifySize(entry);
            if (problem == null) {
                LoadedSnapshot snap = null;
                try {
                    snap = open(entry);
                } catch (RuntimeException | IOException e) {
                    problem = "cannot be opened: " + e;
                }
                if (snap != null) {
                    try (LoadedSnapshot s = snap) {
                        T loaded = loader.load(s);
                        s.finishVerification();
                        return Optional.of(loaded);
                    } catch (SnapshotFile.CorruptSnapshotException e) {
                        problem = e.getMessage();
                    }
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

    /**
     * Opens the newest snapshot in the manifest whose size and whole-file CRC32C match (checked in
     * a separate pass over the file first) and which opens cleanly, falling back to older ones with
     * a warning. Start-up uses {@link #loadNewestValid(SnapshotLoader)}, which checks while reading.
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

    private static boolean isMapDb(SnapshotManifest.Entry entry) {
        return entry.fileName().endsWith(SnapshotManifest.MAPDB_SUFFIX);
    }

    /** Null if the file has the size its manifest entry gives, else what is wrong. */
    private String verifySize(SnapshotManifest.Entry entry) throws IOException {
        Path file = dir.resolve(entry.fileName());
        if (!Files.exists(file)) {
            return "file is missing";
        }
        long size = Files.size(file);
        return size == entry.sizeBytes() ? null : "size " + size + " differs from manifest " + entry.sizeBytes();
    }

    /** Null if the file matches its manifest entry (size and whole-file CRC32C), else what is wrong. */
    private String verify(SnapshotManifest.Entry entry) throws IOException {
        String problem = verifySize(entry);
        if (problem == null && StorageFiles.crc32cOfFile(dir.resolve(entry.fileName())) != entry.crc32c()) {
            problem = "whole-file CRC32C mismatch";
        }
        return problem;
    }

    private LoadedSnapshot open(SnapshotManifest.Entry entry) throws IOException {
        Path file = dir.resolve(entry.fileName());
        if (!isMapDb(entry)) {
            SnapshotFile.Reader r = SnapshotFile.open(file, entry.zxid(), entry.crc32c());
            return new LoadedSnapshot(file, r.zxid(), r.nodeCount(), r.sessions(), r, r);
        }
        DB db = DBMaker.fileDB(file.toFile()).readOnly().fileMmapEnableIfSupported().make();
        try {
            BTreeMap<String, byte[]> nodes = db.treeMap(NODES, Serializer.STRING, Serializer.BYTE_ARRAY).open();
            long zxid = db.atomicLong(ZXID).open().get();
            long count = db.atomicLong(NODE_COUNT).open().get();
            byte[] sessions = db.atomicVar(SESSIONS, Serializer.BYTE_ARRAY).open().get();
            if (zxid != entry.zxid()) {
                throw new CorruptFileException(file, -1, "holds zxid " + Long.toHexString(zxid));
            }
            return new LoadedSnapshot(file, zxid, count, sessions == null ? new byte[0] : sessions,
                    nodes.entryIterator(), () -> {
                        if (!db.isClosed()) {
                            db.close();
                        }
                    });
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

    /**
     * Checks every snapshot the manifest lists against it (present, size, whole-file CRC32C)
     * without loading it (the offline verify tool).
     *
     * @return file name to problem, oldest first; the problem is null for a valid file
     */
    public Map<String, String> checkAll() throws IOException {
        Map<String, String> result = new java.util.LinkedHashMap<>();
        for (SnapshotManifest.Entry entry : SnapshotManifest.read(dir)) {
            result.put(entry.fileName(), verify(entry));
        }
        return result;
    }

    /**
     * The newest snapshot the manifest lists, as {zxid, seconds since the epoch its file was last
     * written}, or null when there is none (the AdminServer's last_snapshot).
     */
    public long[] newestListed() throws IOException {
        List<SnapshotManifest.Entry> entries = SnapshotManifest.read(dir);
        if (entries.isEmpty()) {
            return null;
        }
        SnapshotManifest.Entry newest = entries.get(entries.size() - 1);
        long seconds = Files.getLastModifiedTime(dir.resolve(newest.fileName())).toMillis() / 1000;
        return new long[] {newest.zxid(), seconds};
    }

    /**
     * The manifest's bytes and the snapshot files it lists (oldest first), read once: what an
     * online copy of this directory takes (coord-admin backup) before copying the files themselves.
     */
    public Listing listing() throws IOException {
        Path file = dir.resolve(SnapshotManifest.FILE_NAME);
        byte[] manifest = Files.exists(file) ? Files.readAllBytes(file) : null;
        List<String> names = SnapshotManifest.read(dir).stream().map(SnapshotManifest.Entry::fileName).toList();
        return new Listing(SnapshotManifest.FILE_NAME, manifest, names);
    }

    /** See {@link #listing()}; {@code manifest} is null when there is none yet. */
    public record Listing(String manifestFileName, byte[] manifest, List<String> snapshotFileNames) {
    }

    /**
     * Opens the listed streaming-format snapshot of {@code zxid} for reading as a whole file (the
     * AdminServer's snapshot command streams it). Once open it may be purged from the directory
     * without harm: the open channel still reads it.
     *
     * @throws NoSuchFileException when the manifest lists no such snapshot (or its file is missing)
     */
    public OpenedSnapshot openListed(long zxid) throws IOException {
        for (SnapshotManifest.Entry entry : SnapshotManifest.read(dir)) {
            if (entry.zxid() != zxid || isMapDb(entry)) {
                continue;
            }
            FileChannel channel = FileChannel.open(dir.resolve(entry.fileName()), StandardOpenOption.READ);
            if (channel.size() != entry.sizeBytes()) {
                channel.close();
                throw new CorruptFileException(dir.resolve(entry.fileName()), -1, "size " + channel.size()
                        + " differs from the manifest's " + entry.sizeBytes());
            }
            return new OpenedSnapshot(channel, entry.fileName(), zxid, entry.sizeBytes(), entry.crc32c());
        }
        throw new NoSuchFileException(dir.resolve(SnapshotManifest.snapshotFileName(zxid)).toString(), null,
                "the manifest lists no snapshot at zxid 0x" + Long.toHexString(zxid));
    }

    /** A listed snapshot file opened for reading; {@code crc32c} is its whole-file CRC32C. */
    public record OpenedSnapshot(FileChannel channel, String fileName, long zxid, long sizeBytes, int crc32c)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Loads a streaming-format snapshot file that belongs to no store (an online backup, a restore
     * upload), checking all of it: the whole-file CRC32C is computed in a first pass (and must equal
     * {@code expectedCrc32c} unless that is null), then every block CRC, the structure, the node
     * count and the end block are checked while {@code loader} reads. Damage anywhere throws
     * {@link CorruptFileException} naming the file and offset.
     */
    public static <T> T loadFile(Path file, Integer expectedCrc32c, SnapshotLoader<T> loader) throws IOException {
        int crc = StorageFiles.crc32cOfFile(file);
        if (expectedCrc32c != null && crc != expectedCrc32c) {
            throw new CorruptFileException(file, -1, String.format("whole-file CRC32C %08x, expected %08x", crc,
                    expectedCrc32c));
        }
        try (SnapshotFile.Reader r = SnapshotFile.open(file, -1, crc);
             LoadedSnapshot s = new LoadedSnapshot(file, r.zxid(), r.nodeCount(), r.sessions(), r, r)) {
            T loaded = loader.load(s);
            s.finishVerification();
            return loaded;
        } catch (SnapshotFile.CorruptSnapshotException e) {
            throw (CorruptFileException) e.getCause();
        }
    }

    /**
     * Checks the listed snapshot of {@code zxid} against its manifest entry (present, size,
     * whole-file CRC32C) without loading it.
     *
     * @return null when it is valid, else what is wrong (also when the manifest lists none of that zxid)
     */
    public String checkListed(long zxid) throws IOException {
        for (SnapshotManifest.Entry entry : SnapshotManifest.read(dir)) {
            if (entry.zxid() == zxid) {
                return verify(entry);
            }
        }
        return "is not listed";
    }

    /** Zxids of the snapshots the manifest lists, oldest first. */
    public List<Long> listedZxids() throws IOException {
        return SnapshotManifest.read(dir).stream().map(SnapshotManifest.Entry::zxid).toList();
    }
}
