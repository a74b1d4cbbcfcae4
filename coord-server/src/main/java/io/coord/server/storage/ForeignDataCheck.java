package io.coord.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Refuses a data directory that holds Apache ZooKeeper's files ({@code version-2/snapshot.*} or
 * {@code version-2/log.*}) and no Coord files. Coord does not read ZooKeeper's formats, so starting
 * there would serve an empty tree while the user's data sits beside it; the message says how to
 * convert instead. Checked before anything is written, so a refused directory stays untouched.
 */
public final class ForeignDataCheck {
    /** Where ZooKeeper keeps its snapshots and logs (its FileTxnSnapLog version directory). */
    public static final String ZOOKEEPER_VERSION_DIR = "version-2";

    private ForeignDataCheck() {
    }

    /** Thrown when the directories hold ZooKeeper data and no Coord data. */
    public static final class ZooKeeperDataException extends IOException {
        private static final long serialVersionUID = 1L;

        ZooKeeperDataException(String message) {
            super(message);
        }
    }

    /**
     * @throws ZooKeeperDataException if dataDir or dataLogDir holds a ZooKeeper snapshot or log and
     *     neither holds a Coord snapshot, manifest or log segment
     */
    public static void refuseZooKeeperData(Path dataDir, Path dataLogDir) throws IOException {
        Optional<Path> zkFile = firstZooKeeperFile(dataDir);
        if (zkFile.isEmpty()) {
            zkFile = firstZooKeeperFile(dataLogDir);
        }
        if (zkFile.isEmpty() || holdsCoordData(dataDir) || holdsCoordData(dataLogDir)) {
            return;
        }
        throw new ZooKeeperDataException("the data directory holds Apache ZooKeeper files (" + zkFile.get()
                + ") and no Coord data. Coord does not read ZooKeeper's files and will not start on them with an "
                + "empty tree. Convert them into a new directory with: bin/coord-admin import-zookeeper --from "
                + dataDir + " --to NEW_DATADIR, then set dataDir (and dataLogDir) to NEW_DATADIR "
                + "(README: Migrating from ZooKeeper)");
    }

    /** The first ZooKeeper snapshot or log file under dir/version-2, if any. */
    public static Optional<Path> firstZooKeeperFile(Path dir) throws IOException {
        return firstMatching(dir.resolve(ZOOKEEPER_VERSION_DIR), "snapshot.", "log.");
    }

    /** True if dir/version-1 holds a Coord snapshot, snapshot manifest or log segment. */
    public static boolean holdsCoordData(Path dir) throws IOException {
        return firstMatching(dir.resolve("version-1"), "snapshot", "log.").isPresent();
    }

    private static Optional<Path> firstMatching(Path dir, String... prefixes) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return Stream.of(prefixes).anyMatch(name::startsWith) && Files.isRegularFile(p);
            }).sorted().findFirst();
        }
    }
}
