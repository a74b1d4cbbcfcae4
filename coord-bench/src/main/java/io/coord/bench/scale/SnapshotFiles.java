package io.coord.bench.scale;

import io.coord.bench.target.ServerKind;
import io.coord.bench.target.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where each server keeps its snapshots and how it says one is finished.
 * Coord: {@code dataDir/version-1/snapshot.<zxid hex>.snap} ({@code .mapdb} before), finished when its log says
 * "snapshot at zxid 0x... written in N ms". ZooKeeper: {@code dataDir/version-2/snapshot.<zxid hex>},
 * finished when {@code mntr}'s {@code zk_cnt_snapshottime} counts it ({@code zk_sum_snapshottime}, ms).
 */
final class SnapshotFiles {
    private static final Pattern FILE = Pattern.compile("snapshot\\.([0-9a-fA-F]+)(\\.snap|\\.mapdb)?");
    private static final Pattern COORD_WRITTEN = Pattern.compile("snapshot at zxid 0x([0-9a-fA-F]+) written in (\\d+) ms");

    /** One snapshot file: the zxid from its name and its size. */
    record Snapshot(Path file, long zxid, long bytes) {
    }

    /** ZooKeeper's snapshot-time summary from mntr: how many snapshots and their total ms. */
    record ZkSnapshotTimes(long count, long sumMs) {
    }

    private SnapshotFiles() {
    }

    static Path directory(ServerKind kind, Path dataDir) {
        return dataDir.resolve(kind == ServerKind.COORD ? "version-1" : "version-2");
    }

    /** The snapshot with the highest zxid, if any. */
    static Optional<Snapshot> newest(ServerKind kind, Path dataDir) throws IOException {
        Path dir = directory(kind, dataDir);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Snapshot best = null;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (!m.matches() || (kind == ServerKind.COORD) != (m.group(2) != null)) {
                    continue;
                }
                long zxid = Long.parseUnsignedLong(m.group(1), 16);
                if (best == null || Long.compareUnsigned(zxid, best.zxid()) > 0) {
                    best = new Snapshot(f, zxid, sizeOrZero(f));
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Total bytes of the snapshot files present (all retained snapshots). */
    static long totalBytes(ServerKind kind, Path dataDir) throws IOException {
        Path dir = directory(kind, dataDir);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (FILE.matcher(f.getFileName().toString()).matches()) {
                    total += sizeOrZero(f);
                }
            }
        }
        return total;
    }

    /** Coord: the "written in N ms" figure logged for the snapshot at {@code zxid}, if logged yet. */
    static OptionalLong coordWrittenMs(Path serverLog, long zxid) throws IOException {
        if (!Files.exists(serverLog)) {
            return OptionalLong.empty();
        }
        OptionalLong found = OptionalLong.empty();
        for (String line : Files.readAllLines(serverLog, StandardCharsets.UTF_8)) {
            Matcher m = COORD_WRITTEN.matcher(line);
            if (m.find() && Long.parseUnsignedLong(m.group(1), 16) == zxid) {
                found = OptionalLong.of(Long.parseLong(m.group(2)));
            }
        }
        return found;
    }

    /** ZooKeeper: the snapshot-time summary from mntr, or null if the server does not report it. */
    static ZkSnapshotTimes zkSnapshotTimes(ServerProcess server) {
        Map<String, String> mntr = mntr(server);
        String count = mntr.get("zk_cnt_snapshottime");
        String sum = mntr.get("zk_sum_snapshottime");
        if (count == null || sum == null) {
            return null;
        }
        return new ZkSnapshotTimes(Long.parseLong(count.trim()), (long) Double.parseDouble(sum.trim()));
    }

    /** {@code mntr} as key -> value (tab-separated lines); empty if the server did not answer. */
    static Map<String, String> mntr(ServerProcess server) {
        Map<String, String> values = new HashMap<>();
        String text = server.fourLetterWord("mntr");
        if (text == null) {
            return values;
        }
        for (String line : text.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                values.put(line.substring(0, tab).trim(), line.substring(tab + 1).trim());
            }
        }
        return values;
    }

    private static long sizeOrZero(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0; // deleted by the server's purge between list and stat
        }
    }
}
