package io.coord.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Where a server kind keeps its txn log segments and snapshots under dataDir. */
record DataDirLayout(String versionDir, Pattern logName, Pattern snapshotName) {

    /** Coord: version-1/log.<firstZxidHex>, version-1/snapshot.<zxidHex>.snap (or .mapdb, older versions). */
    static final DataDirLayout COORD = new DataDirLayout("version-1",
            Pattern.compile("log\\.([0-9a-fA-F]+)"), Pattern.compile("snapshot\\.([0-9a-fA-F]+)\\.(?:snap|mapdb)"));

    /** ZooKeeper: version-2/log.<zxidHex>, version-2/snapshot.<zxidHex>. */
    static final DataDirLayout ZOOKEEPER = new DataDirLayout("version-2",
            Pattern.compile("log\\.([0-9a-fA-F]+)"), Pattern.compile("snapshot\\.([0-9a-fA-F]+)"));

    static DataDirLayout of(ServerProcess.Kind kind) {
        return kind == ServerProcess.Kind.COORD ? COORD : ZOOKEEPER;
    }

    /** Log segments, oldest first. */
    List<Path> logs(Path dataDir) throws IOException {
        return matching(dataDir, logName);
    }

    /** Snapshot files, oldest (lowest zxid) first. */
    List<Path> snapshots(Path dataDir) throws IOException {
        return matching(dataDir, snapshotName);
    }

    private List<Path> matching(Path dataDir, Pattern pattern) throws IOException {
        Path dir = dataDir.resolve(versionDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> pattern.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(p -> zxidOf(p, pattern)))
                    .toList();
        }
    }

    private static long zxidOf(Path file, Pattern pattern) {
        Matcher m = pattern.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(file.toString());
        }
        return Long.parseUnsignedLong(m.group(1), 16);
    }
}
