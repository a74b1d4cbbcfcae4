package io.coord.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged, cut or foreign ZooKeeper files: the import refuses with the file and the byte offset,
 * exit status 1, and the target directory stays exactly as it was.
 */
class ZooKeeperImportBadInputTest {
    @TempDir
    static Path shared;
    private static Path pristine;

    @BeforeAll
    static void writeZooKeeperData() throws Exception {
        pristine = shared.resolve("zk");
        try (RealZooKeeper zk = new RealZooKeeper(pristine)) {
            ZooKeeper c = ZooKeeperImportTest.connect(zk.connectString(), 0, null);
            for (int i = 0; i < 20; i++) {
                c.create("/n" + i, ("value " + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
            }
            c.close();
        }
        try (RealZooKeeper zk = new RealZooKeeper(pristine)) { // a snapshot of the 20 nodes, then a new log
            ZooKeeper c = ZooKeeperImportTest.connect(zk.connectString(), 0, null);
            c.setData("/n1", "changed".getBytes(StandardCharsets.UTF_8), 0);
            c.create("/later", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            c.close();
        }
    }

    /** A fresh copy of the ZooKeeper data, and a target holding one file of its own. */
    private record Case(Path zk, Path target, ByteArrayOutputStream output) {
        Path newestSnapshot() throws Exception {
            return ZkFiles.byZxid(zk, "snapshot.").lastEntry().getValue();
        }

        Path newestLog() throws Exception {
            return ZkFiles.byZxid(zk, "log.").lastEntry().getValue();
        }

        int runImport(String... extra) {
            String[] args = Stream.concat(Stream.of("import-zookeeper", "--from", zk.toString(), "--to",
                    target.toString()), Stream.of(extra)).toArray(String[]::new);
            return AdminMain.run(args, new PrintStream(output, true, StandardCharsets.UTF_8),
                    new PrintStream(output, true, StandardCharsets.UTF_8));
        }

        String text() {
            return output.toString(StandardCharsets.UTF_8);
        }

        void assertRefusedAt(Path file, String offsetText, String problem) throws Exception {
            assertEquals(1, runImport(), text());
            assertTrue(text().contains(file.toString()), "names the file: " + text());
            assertTrue(text().contains("at byte offset " + offsetText), "names the offset: " + text());
            assertTrue(text().contains(problem), text());
            assertEquals(List.of(target.resolve("mine.txt")), listing(target), "target untouched");
            assertEquals("mine", Files.readString(target.resolve("mine.txt")));
        }
    }

    private static List<Path> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }

    private static Case freshCase(Path tmp) throws Exception {
        Path zk = tmp.resolve("zk");
        try (Stream<Path> files = Files.walk(pristine)) {
            for (Path p : files.toList()) {
                Path to = zk.resolve(pristine.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path target = tmp.resolve("coord");
        Files.createDirectories(target);
        Files.writeString(target.resolve("mine.txt"), "mine");
        return new Case(zk, target, new ByteArrayOutputStream());
    }

    /** Offset of the last non-zero byte (logs are preallocated with zeros). */
    private static long dataEnd(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int i = bytes.length - 1;
        while (i >= 0 && bytes[i] == 0) {
            i--;
        }
        return i + 1;
    }

    private static void flipByte(Path file, long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x5A);
        }
    }

    @Test
    void theUndamagedCopyImports(@TempDir Path tmp) throws Exception {
        Case c = freshCase(tmp);
        assertEquals(0, c.runImport(), c.text());
        assertTrue(Files.isDirectory(c.target().resolve("version-1")));
    }

    @Test
    void gzipSnapshotImportsLikeThePlainOne(@TempDir Path tmp) throws Exception {
        Case plain = freshCase(tmp.resolve("plain"));
        assertEquals(0, plain.runImport(), plain.text());
        Case c = freshCase(tmp.resolve("gz"));
        Path snap = c.newestSnapshot();
        // What zookeeper.snapshot.compression.method=gz writes: the same stream, gzipped.
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(Path.of(snap + ".gz")))) {
            Files.copy(snap, out);
        }
        Files.delete(snap);
        assertEquals(0, c.runImport(), c.text());
        assertTrue(c.text().contains(snap.getFileName() + ".gz"), c.text());
        assertEquals(lastLine(plain.text()).replace(plain.target().toString(), ""),
                lastLine(c.text()).replace(c.target().toString(), ""), "same nodes, sessions, zxid and digest");
    }

    /** What zookeeper.snapshot.compression.method=snappy writes: the same stream through snappy-java. */
    @Test
    void snappySnapshotImportsLikeThePlainOne(@TempDir Path tmp) throws Exception {
        Case plain = freshCase(tmp.resolve("plain"));
        assertEquals(0, plain.runImport(), plain.text());
        Case c = freshCase(tmp.resolve("snappy"));
        Path snap = c.newestSnapshot();
        snappyInstead(snap);
        assertEquals(0, c.runImport(), c.text());
        assertTrue(c.text().contains(snap.getFileName() + ".snappy"), c.text());
        assertEquals(lastLine(plain.text()).replace(plain.target().toString(), ""),
                lastLine(c.text()).replace(c.target().toString(), ""), "same nodes, sessions, zxid and digest");
    }

    /** Replaces {@code snap} by its snappy-java stream (1 KiB blocks: many chunks, literals, back-references). */
    private static Path snappyInstead(Path snap) throws java.io.IOException {
        Path snappy = Path.of(snap + ".snappy");
        try (var out = new org.xerial.snappy.SnappyOutputStream(Files.newOutputStream(snappy), 1024)) {
            Files.copy(snap, out);
        }
        Files.delete(snap);
        return snappy;
    }

    @Test
    void damagedSnappySnapshotIsRefusedAndTheTargetUntouched(@TempDir Path tmp) throws Exception {
        Case c = freshCase(tmp);
        Path snappy = snappyInstead(c.newestSnapshot());
        byte[] bytes = Files.readAllBytes(snappy);
        Files.write(snappy, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // cut inside a chunk
        assertEquals(1, c.runImport(), c.text());
        assertTrue(c.text().contains(snappy.getFileName().toString()), c.text());
        assertEquals(List.of(c.target().resolve("mine.txt")), listing(c.target()), "target untouched");
    }

    @Test
    void withoutToTheCoordFilesGoBesideZooKeepersAndTheServerStarts(@TempDir Path tmp) throws Exception {
        Case c = freshCase(tmp);
        List<Path> zkFiles = listing(c.zk());
        int status = AdminMain.run(new String[] {"import-zookeeper", "--from", c.zk().toString()},
                new PrintStream(c.output(), true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status, c.text());
        assertTrue(Files.isDirectory(c.zk().resolve("version-1")));
        for (Path p : zkFiles) {
            assertTrue(Files.exists(p), "ZooKeeper's files are left: " + p);
        }
        io.coord.server.config.ServerConfig config = io.coord.server.config.ServerConfig.builder(c.zk())
                .clientPort(0).tickTimeMs(200).build();
        try (io.coord.server.CoordServer server = io.coord.server.CoordServer.start(config)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + server.clientPort(), 0, null);
            assertEquals("changed", new String(zk.getData("/n1", false, null), StandardCharsets.UTF_8));
            assertTrue(zk.exists("/later", false) != null);
            zk.close();
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().toList();
        return lines.get(lines.size() - 1);
    }

    @Test
    void truncatedSnapshotIsRefused(@TempDir Path tmp) throws Exception {
        Case c = freshCase(tmp);
        Path snap = c.newestSnapshot();
        long size = Files.size(snap);
        try (RandomAccessFile f = new RandomAccessFile(snap.toFile(), "rw")) {
            f.setLength(size / 2);
        }
        c.assertRefusedAt(snap, "", "truncated");
    }

    @Test
    void corruptedSnapshotIsRefused(@TempDir Path tmp) throws Exception {
        Case c = freshCase(tmp);
        Path snap = c.newestSnapshot();
        flipByte(snap, Files.size(snap) / 2);
        c.assertRefusedAt(snap, "", "");
    }

    @Test
    void corruptedLogRecordIsRefusedAtItsOffset(@TempDir Path tmp) throws Exception {
        Case c = freshCase(tmp);
        Path log = c.newestLog();
        flipByte(log, 16 + 8 + 4 + 30); // inside the first record's txn bytes (header is 16 bytes)
        c.assertRefusedAt(log, "16:", "Adler32 checksum mismatch");
    }

    @Test
    void foreignFileNamedLikeASnapshotIsRefused(@TempDir Path tmp) throws Exception {
        Case c = freshCase(tmp);
        Path snap = c.newestSnapshot();
        Files.writeString(snap, "this is not a ZooKeeper snapshot at all");
        c.assertRefusedAt(snap, "0:", "not a ZooKeeper snapshot");
    }

    @Test
    void tornLogTailIsRefusedUnlessAllowed(@TempDir Path tmp) throws Exception {
        Case c = freshCase(tmp);
        Path log = c.newestLog();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(dataEnd(log) - 3);
        }
        c.assertRefusedAt(log, "", "--allow-torn-tail");
        assertEquals(0, c.runImport("--allow-torn-tail"), c.text());
        assertTrue(c.text().contains("dropped the torn record"), c.text());
    }
}
