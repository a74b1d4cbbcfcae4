package io.coord.server.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The list of snapshots known to be complete, with each file's size and whole-file CRC32C.
 *
 * <p>Text, one line per snapshot, oldest first:
 * <pre>
 * coord-snapshot-manifest 1
 * snapshot.&lt;zxid hex&gt;.snap &lt;size bytes&gt; &lt;crc32c hex&gt;     (or .mapdb, written by earlier versions)
 * crc32c &lt;crc32c hex of every preceding byte&gt;
 * </pre>
 */
final class SnapshotManifest {

    static final String FILE_NAME = "snapshots.manifest";
    private static final String HEADER = "coord-snapshot-manifest 1";
    private static final String CRC_PREFIX = "crc32c ";
    private static final int MAX_BYTES = 1 << 20;
    static final String SNAPSHOT_PREFIX = "snapshot.";
    static final String SNAPSHOT_SUFFIX = SnapshotFile.SUFFIX;
    /** Snapshots written by earlier versions (MapDB files), still read. */
    static final String MAPDB_SUFFIX = ".mapdb";

    record Entry(String fileName, long zxid, long sizeBytes, int crc32c) {
    }

    private SnapshotManifest() {
    }

    static String snapshotFileName(long zxid) {
        return SNAPSHOT_PREFIX + HexFormat.of().toHexDigits(zxid) + SNAPSHOT_SUFFIX;
    }

    /** The zxid in a snapshot file name, or -1 if the name is not a snapshot's. */
    static long parseZxid(String name) {
        int hexStart = SNAPSHOT_PREFIX.length();
        String suffix = name.endsWith(MAPDB_SUFFIX) ? MAPDB_SUFFIX : SNAPSHOT_SUFFIX;
        if (!name.startsWith(SNAPSHOT_PREFIX) || !name.endsWith(suffix)
                || name.length() != hexStart + 16 + suffix.length()) {
            return -1;
        }
        try {
            return HexFormat.fromHexDigitsToLong(name.substring(hexStart, hexStart + 16));
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** Entries oldest first; empty if there is no manifest yet. */
    static List<Entry> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return List.of();
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new CorruptFileException(file, -1, "manifest larger than " + MAX_BYTES + " bytes");
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        int crcLine = text.lastIndexOf(CRC_PREFIX);
        if (crcLine < 0 || !text.endsWith("\n")) {
            throw new CorruptFileException(file, -1, "manifest has no checksum line");
        }
        String body = text.substring(0, crcLine);
        if (!checksum(body).equals(text.substring(crcLine + CRC_PREFIX.length(), text.length() - 1))) {
            throw new CorruptFileException(file, -1, "manifest checksum mismatch");
        }
        String[] lines = body.split("\n");
        if (!HEADER.equals(lines[0])) {
            throw new CorruptFileException(file, -1, "unknown manifest header: " + lines[0]);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            entries.add(parseLine(file, lines[i]));
        }
        entries.sort(Comparator.comparingLong(Entry::zxid));
        return entries;
    }

    private static Entry parseLine(Path file, String line) throws CorruptFileException {
        String[] parts = line.split(" ");
        long zxid = parts.length == 3 ? parseZxid(parts[0]) : -1;
        if (zxid < 0) {
            throw new CorruptFileException(file, -1, "bad manifest line: " + line);
        }
        try {
            return new Entry(parts[0], zxid, Long.parseLong(parts[1]), HexFormat.fromHexDigits(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(file, "bad manifest line: " + line, e);
        }
    }

    /** Atomically replaces the manifest (tmp, force, rename, directory fsync). */
    static void write(Path dir, List<Entry> entries) throws IOException {
        StringBuilder body = new StringBuilder(HEADER).append('\n');
        for (Entry e : entries) {
            body.append(e.fileName()).append(' ').append(e.sizeBytes()).append(' ')
                    .append(HexFormat.of().toHexDigits(e.crc32c())).append('\n');
        }
        String text = body + CRC_PREFIX + checksum(body.toString()) + "\n";
        StorageFiles.writeAtomically(dir.resolve(FILE_NAME), text.getBytes(StandardCharsets.UTF_8));
    }

    private static String checksum(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
