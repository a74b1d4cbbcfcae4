package io.coord.server.sim;

import io.coord.server.storage.MetaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * A bit flipped on a stopped member's disk, in any persisted record that carries a checksum, and
 * what the real start-up code must do about it. A log record that valid data follows, a log
 * segment's header, the snapshot manifest and the meta files (epochs, session secret, SNAP install
 * marker) are read at every start and hold state nothing else does: the member must refuse to
 * start. A listed snapshot is different: the manifest's older snapshots and the log kept since the
 * oldest of them hold the same state, so the start may skip it for an older one (it must never load
 * it); only when it is the one snapshot listed, or the snapshot of a SNAP install a failed write
 * interrupted, must the start refuse.
 */
final class BitFlips {
    /** Where the bit was flipped. */
    enum Kind { LOG_RECORD, LOG_HEADER, SNAPSHOT, MANIFEST, META }

    /** What the next start must do. */
    enum Expect {
        /** Refuse the disk (and the member stays down for good). */
        REFUSE,
        /** Start, from a snapshot other than the flipped one. */
        START_WITHOUT_IT,
        /** The flipped file is gone or no longer read: start as usual. */
        NOTHING
    }

    /** A flipped bit: the file (its inode, to tell whether that file is still there), the zxid it holds, where. */
    record Flip(Kind kind, String dir, String file, long zxid, int offset, SimDisk.Inode inode) {
        @Override
        public String toString() {
            return kind + " " + dir + "/" + file + " byte " + offset + (zxid > 0 ? " (zxid 0x" + Long.toHexString(zxid) + ")" : "");
        }
    }

    static final String LOG_DIR = SimMember.DATA_LOG_DIR + "/version-1";
    static final String SNAP_DIR = SimMember.DATA_DIR + "/version-1";
    private static final String MANIFEST = "snapshots.manifest";
    /** The meta file of a SNAP install under way (SnapInstall.MARKER, package-private to the quorum package). */
    private static final String INSTALL_MARKER = "snap-install";
    private static final String SNAPSHOT_PREFIX = "snapshot.";
    private static final int SEGMENT_HEADER_BYTES = 20;

    /** A candidate: a byte range of a file where a flipped bit is a damaged record. */
    private record Target(Kind kind, String dir, String file, long zxid, int start, int length) {
    }

    private BitFlips() {
    }

    /**
     * Flips one bit in a forced record of a kind {@code allowed} accepts (a kind is drawn among the
     * kinds the disk holds, then a record of it). Null when no record qualifies.
     */
    static Flip flip(SimDisk disk, SplittableRandom rnd, Predicate<Kind> allowed) {
        Map<Kind, List<Target>> byKind = new EnumMap<>(Kind.class);
        for (Target t : targets(disk)) {
            if (allowed.test(t.kind())) {
                byKind.computeIfAbsent(t.kind(), k -> new ArrayList<>()).add(t);
            }
        }
        if (byKind.isEmpty()) {
            return null;
        }
        List<Kind> kinds = new ArrayList<>(byKind.keySet());
        List<Target> of = byKind.get(kinds.get(rnd.nextInt(kinds.size())));
        // Snapshots are listed oldest first: the newest half the time, as only its damage makes a
        // start fall back to an older one.
        boolean newest = of.get(0).kind() == Kind.SNAPSHOT && rnd.nextBoolean();
        Target t = of.get(newest ? of.size() - 1 : rnd.nextInt(of.size()));
        SimDisk.Inode file = disk.lookup((SimPath) disk.path(t.dir() + "/" + t.file()));
        int at = t.start() + rnd.nextInt(t.length());
        file.forced[at] ^= (byte) (1 << rnd.nextInt(8));
        file.data = file.forced.clone();
        return new Flip(t.kind(), t.dir(), t.file(), t.zxid(), at, file);
    }

    /** What the next start must do about {@code f}, judged from the disk as it is now. */
    static Expect expect(SimDisk disk, Flip f) {
        if (f.kind() != Kind.SNAPSHOT) {
            return Expect.REFUSE; // read at every start, and the member never starts again once refused
        }
        if (disk.lookup((SimPath) disk.path(f.dir() + "/" + f.file())) != f.inode()) {
            return Expect.NOTHING; // purged (a start or a snapshot dropped it as invalid)
        }
        List<String> listed = listedSnapshots(disk);
        if (!listed.contains(f.file())) {
            return Expect.NOTHING; // an unlisted file is ignored, and deleted by the next purge
        }
        // A SNAP install a failed write interrupted is finished at start, dropping the log: not past
        // a damaged installed snapshot (SnapInstall.finishInterrupted).
        return listed.size() == 1 || installMarker(disk) == f.zxid() ? Expect.REFUSE : Expect.START_WITHOUT_IT;
    }

    /** The zxid of the SNAP install the marker says is under way, 0 when none is (read as start-up reads it). */
    private static long installMarker(SimDisk disk) {
        try {
            Optional<byte[]> marker = new MetaStore(disk.path(SimMember.DATA_DIR)).read(INSTALL_MARKER);
            return marker.isPresent() && marker.get().length == 8 ? ByteBuffer.wrap(marker.get()).getLong() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Target> targets(SimDisk disk) {
        List<Target> out = new ArrayList<>();
        logTargets(disk, out);
        SimDisk.Inode snapDir = disk.lookup((SimPath) disk.path(SNAP_DIR));
        if (snapDir != null) {
            for (String name : listedSnapshots(disk)) {
                SimDisk.Inode file = snapDir.entries.get(name);
                if (file != null && !file.directory && file.forced.length > 0) {
                    out.add(new Target(Kind.SNAPSHOT, SNAP_DIR, name, zxidOf(name), 0, file.forced.length));
                }
            }
            SimDisk.Inode manifest = snapDir.entries.get(MANIFEST);
            if (manifest != null && manifest.forced.length > 0) {
                out.add(new Target(Kind.MANIFEST, SNAP_DIR, MANIFEST, 0, 0, manifest.forced.length));
            }
        }
        SimDisk.Inode dataDir = disk.lookup((SimPath) disk.path(SimMember.DATA_DIR));
        if (dataDir != null) {
            dataDir.entries.forEach((name, file) -> {
                if (!file.directory && !name.endsWith(".tmp") && file.forced.length > 0) {
                    out.add(new Target(Kind.META, SimMember.DATA_DIR, name, 0, 0, file.forced.length));
                }
            });
        }
        return out;
    }

    /**
     * Log records that a valid record follows (in their segment or a newer one: damage at the very
     * end is a torn tail, cut at start, not corruption), and the headers of segments holding records.
     */
    private static void logTargets(SimDisk disk, List<Target> out) {
        SimDisk.Inode dir = disk.lookup((SimPath) disk.path(LOG_DIR));
        if (dir == null || !dir.directory) {
            return;
        }
        List<String> segments = dir.entries.keySet().stream().filter(n -> n.startsWith("log.")).toList();
        for (int s = 0; s < segments.size(); s++) {
            byte[] forced = dir.entries.get(segments.get(s)).forced;
            List<long[]> records = validRecords(forced);
            if (!records.isEmpty()) {
                out.add(new Target(Kind.LOG_HEADER, LOG_DIR, segments.get(s), 0, 0, SEGMENT_HEADER_BYTES));
            }
            boolean newest = s == segments.size() - 1;
            for (int r = 0; r < records.size() - (newest ? 1 : 0); r++) {
                int offset = (int) records.get(r)[0];
                int recordBytes = ByteBuffer.wrap(forced).getInt(offset) + 8;
                out.add(new Target(Kind.LOG_RECORD, LOG_DIR, segments.get(s), records.get(r)[1], offset, recordBytes));
            }
        }
    }

    /** {offset, zxid} of each checksum-valid record of a segment, up to the first invalid one. */
    private static List<long[]> validRecords(byte[] file) {
        List<long[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file);
        int pos = SEGMENT_HEADER_BYTES;
        CRC32C crc = new CRC32C();
        while (pos + 16 <= file.length) {
            int length = b.getInt(pos);
            if (length < 8 || pos + 8L + length > file.length) {
                break;
            }
            crc.reset();
            crc.update(file, pos + 8, length);
            if ((int) crc.getValue() != b.getInt(pos + 4)) {
                break;
            }
            out.add(new long[] {pos, b.getLong(pos + 8)});
            pos += 8 + length;
        }
        return out;
    }

    /** The snapshot files the manifest lists now (its lines "snapshot.&lt;zxid hex&gt;.snap size crc"). */
    private static List<String> listedSnapshots(SimDisk disk) {
        SimDisk.Inode manifest = disk.lookup((SimPath) disk.path(SNAP_DIR + "/" + MANIFEST));
        if (manifest == null) {
            return List.of();
        }
        String text = new String(manifest.data, 0, manifest.size, StandardCharsets.UTF_8);
        return text.lines().filter(l -> l.startsWith(SNAPSHOT_PREFIX)).map(l -> l.split(" ")[0]).toList();
    }

    private static long zxidOf(String snapshotName) {
        String hex = snapshotName.substring(SNAPSHOT_PREFIX.length(), snapshotName.indexOf('.', SNAPSHOT_PREFIX.length()));
        return HexFormat.fromHexDigitsToLong(hex);
    }
}
