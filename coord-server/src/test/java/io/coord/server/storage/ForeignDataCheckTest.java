package io.coord.server.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory with ZooKeeper's files and none of Coord's is refused, never served empty. */
class ForeignDataCheckTest {

    private static List<Path> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void zooKeeperSnapshotWithoutCoordDataRefusesToStartAndWritesNothing(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("version-2"));
        Files.write(dir.resolve("version-2/snapshot.0"), new byte[] {'Z', 'K', 'S', 'N'});
        List<Path> before = listing(dir);
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).tickTimeMs(200).build();
        ForeignDataCheck.ZooKeeperDataException e = assertThrows(ForeignDataCheck.ZooKeeperDataException.class,
                () -> CoordServer.start(config).close());
        assertTrue(e.getMessage().contains("bin/coord-admin import-zookeeper --from " + dir), e.getMessage());
        assertTrue(e.getMessage().contains("snapshot.0"), e.getMessage());
        assertTrue(before.equals(listing(dir)), "nothing written: " + listing(dir));
    }

    @Test
    void zooKeeperLogInTheLogDirIsRefusedToo(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("logs");
        Files.createDirectories(logDir.resolve("version-2"));
        Files.write(logDir.resolve("version-2/log.1"), new byte[16]);
        ServerConfig config = ServerConfig.builder(dir.resolve("data")).dataLogDir(logDir).clientPort(0)
                .tickTimeMs(200).build();
        assertThrows(ForeignDataCheck.ZooKeeperDataException.class, () -> CoordServer.start(config).close());
        assertFalse(Files.exists(dir.resolve("data/session-secret")));
    }

    @Test
    void coordDataBesideZooKeeperFilesStarts(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).tickTimeMs(200).build();
        CoordServer.start(config).close();
        Files.createDirectories(dir.resolve("version-1"));
        Files.write(dir.resolve("version-1/log.0000000000000001"), new byte[0]);
        assertTrue(ForeignDataCheck.holdsCoordData(dir));
        Files.createDirectories(dir.resolve("version-2"));
        Files.write(dir.resolve("version-2/snapshot.0"), new byte[4]);
        ForeignDataCheck.refuseZooKeeperData(dir, dir);
    }
}
