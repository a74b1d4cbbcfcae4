package io.coord.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import io.coord.server.zab.Zxid;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** log dump, snapshot dump, verify and digest on a data directory a Coord server wrote. */
class DataDumpTest {

    /** Runs coord-admin with {@code args}, asserts its exit status, returns what it printed. */
    static String run(int expectedStatus, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int status = AdminMain.run(args, ps, ps);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, text);
        return text;
    }

    @Test
    void dumpsVerifiesAndDigestsWhatTheServerWrote(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).tickTimeMs(200).snapCount(10)
                .fourLetterWords(Set.of("*")).build();
        String hash;
        try (CoordServer server = CoordServer.start(config)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + server.clientPort(), 0, null);
            for (int i = 0; i < 30; i++) {
                zk.create("/d" + i, ("x" + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
            }
            zk.setData("/d3", "changed".getBytes(StandardCharsets.UTF_8), 0);
            String beforeClose = ZooKeeperImportTest.fourLetterWord(server.clientPort(), "hash");
            zk.close();
            // the close is one more txn: wait for it to be in the hash, then read it again
            org.awaitility.Awaitility.await().until(() -> !ZooKeeperImportTest.fourLetterWord(
                    server.clientPort(), "hash").equals(beforeClose));
            hash = ZooKeeperImportTest.fourLetterWord(server.clientPort(), "hash");
        }
        assertEquals(hash, run(0, "digest", dir.toString()), "digest = the hash word");
        String verify = run(0, "verify", dir.toString());
        assertTrue(verify.endsWith("OK\n"), verify);
        String logJson = run(0, "log", "dump", dir.toString(), "--json");
        assertTrue(logJson.contains("\"zxid\""), logJson);
        String fromEnd = run(0, "log", "dump", dir.toString(), "--from", "0x" + hash.substring(0, hash.indexOf(':')));
        assertEquals(1, fromEnd.lines().count(), "only the last txn: " + fromEnd);
        String snapshot = run(0, "snapshot", "dump", dir.toString(), "--json");
        assertTrue(snapshot.contains("\"path\" : \"/d1\""), snapshot);

        // One flipped byte in a logged record: verify names it and exits 1.
        Path segment;
        try (Stream<Path> files = Files.list(dir.resolve("version-1"))) {
            segment = files.filter(p -> p.getFileName().toString().startsWith("log.")).sorted().toList().get(0);
        }
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(20 + 16 + 10);
            int b = f.read();
            f.seek(20 + 16 + 10);
            f.write(b ^ 0x5A);
        }
        String damaged = run(1, "verify", dir.toString());
        assertTrue(damaged.contains(segment.getFileName().toString()) && damaged.contains("FAILED"), damaged);
    }

    /**
     * A leader (standalone included, it is a one-voter ensemble) starts each epoch at counter 1, so a
     * log after a snapshot may start in a later epoch: not a gap (export-zookeeper refused the data
     * directory of a server started on an import: "the log starts at zxid 0x100000001 but the newest
     * valid snapshot ends at 0x1b").
     */
    @Test
    void aLogStartingALaterEpochContinuesASnapshot() {
        assertTrue(DataDump.continuesFrom(0x1c, 0x1b));
        assertTrue(DataDump.continuesFrom(0x5, 0x1b), "a log holding older records too");
        assertTrue(DataDump.continuesFrom(Zxid.make(1, 1), 0x1b));
        assertTrue(DataDump.continuesFrom(Zxid.make(3, 1), Zxid.make(1, 7)));
        assertFalse(DataDump.continuesFrom(0x1d, 0x1b), "a txn of the snapshot's epoch is missing");
        assertFalse(DataDump.continuesFrom(Zxid.make(1, 2), 0x1b), "the first txn of epoch 1 is missing");
    }
}
