package io.coord.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

    @TempDir
    Path snapDir;

    private static TreeMap<String, byte[]> tree(int nodes, long seed) {
        Random random = new Random(seed);
        TreeMap<String, byte[]> map = new TreeMap<>();
        for (int i = 0; i < nodes; i++) {
            byte[] value = new byte[random.nextInt(64)];
            random.nextBytes(value);
            map.put("/app/" + (i % 97) + "/node-" + i, value);
        }
        return map;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(snapDir.resolve("version-1"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeAndLoadHundredThousandNodesExactly() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        assertTrue(store.loadNewestValid().isEmpty());
        TreeMap<String, byte[]> tree = tree(100_000, 7);
        byte[] sessions = new byte[1 << 20]; // larger than one MapDB record chunk
        new Random(3).nextBytes(sessions);
        Path file = store.write(0x500000123L, tree.entrySet().iterator(), sessions);
        assertEquals("snapshot.0000000500000123.snap", file.getFileName().toString());
        assertFalse(files().stream().anyMatch(n -> n.endsWith(".tmp")));

        try (LoadedSnapshot snap = store.loadNewestValid().orElseThrow()) {
            assertEquals(0x500000123L, snap.zxid());
            assertEquals(100_000, snap.nodeCount());
            assertArrayEquals(sessions, snap.sessions());
            var expected = tree.entrySet().iterator();
            int[] seen = {0};
            snap.forEachNode((key, value) -> {
                Map.Entry<String, byte[]> e = expected.next();
                assertEquals(e.getKey(), key);
                assertArrayEquals(e.getValue(), value, key);
                seen[0]++;
            });
            assertEquals(100_000, seen[0]);
            assertFalse(expected.hasNext());
        }
    }

    @Test
    void emptyTreeAndEmptySessionsRoundTrip() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        store.write(1, new TreeMap<String, byte[]>().entrySet().iterator(), new byte[0]);
        try (LoadedSnapshot snap = store.loadNewestValid().orElseThrow()) {
            assertEquals(1, snap.zxid());
            assertEquals(0, snap.sessions().length);
            List<String> keys = new ArrayList<>();
            snap.forEachNode((k, v) -> keys.add(k));
            assertTrue(keys.isEmpty());
        }
    }

    @Test
    void corruptedNewestFallsBackToOlder() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        store.write(10, tree(1000, 1).entrySet().iterator(), bytes("s10"));
        Path newest = store.write(20, tree(1000, 2).entrySet().iterator(), bytes("s20"));
        TxnLogTest.flipByte(newest, Files.size(newest) / 2);
        try (LoadedSnapshot snap = store.loadNewestValid().orElseThrow()) {
            assertEquals(10, snap.zxid());
            assertArrayEquals(bytes("s10"), snap.sessions());
            TreeMap<String, byte[]> loaded = new TreeMap<>();
            snap.forEachNode(loaded::put);
            assertEquals(tree(1000, 1).keySet(), loaded.keySet());
        }
        // purge drops the corrupt file and reports the older snapshot as the oldest retained
        assertEquals(10, store.purge(2));
        assertEquals(List.of(10L), store.listedZxids());
        assertFalse(Files.exists(newest));
    }

    @Test
    void allSnapshotsCorruptRefusesToPretendEmpty() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        Path only = store.write(10, tree(100, 1).entrySet().iterator(), bytes("s"));
        TxnLogTest.flipByte(only, 100);
        CorruptFileException e = assertThrows(CorruptFileException.class, store::loadNewestValid);
        assertTrue(e.getMessage().contains("snapshots.manifest"), e.getMessage());
    }

    @Test
    void damagedManifestIsReported() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        store.write(10, tree(100, 1).entrySet().iterator(), bytes("s"));
        Path manifest = snapDir.resolve("version-1").resolve("snapshots.manifest");
        TxnLogTest.flipByte(manifest, 5);
        assertThrows(CorruptFileException.class, store::loadNewestValid);
    }

    @Test
    void unsortedKeysAreRejectedAndLeaveNoSnapshot() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        store.write(5, tree(10, 1).entrySet().iterator(), bytes("s5"));
        List<Map.Entry<String, byte[]>> unsorted = List.of(Map.entry("/b", bytes("1")), Map.entry("/a", bytes("2")));
        assertThrows(IllegalArgumentException.class, () -> store.write(6, unsorted.iterator(), bytes("s6")));
        List<Map.Entry<String, byte[]>> dup = List.of(Map.entry("/a", bytes("1")), Map.entry("/a", bytes("2")));
        assertThrows(IllegalArgumentException.class, () -> store.write(7, dup.iterator(), bytes("s7")));
        try (LoadedSnapshot snap = store.loadNewestValid().orElseThrow()) {
            assertEquals(5, snap.zxid());
        }
        assertEquals(5, store.purge(3));
        assertEquals(List.of("snapshot.0000000000000005.snap", "snapshots.manifest"), files());
    }

    @Test
    void purgeKeepsNewestN() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        for (long z = 1; z <= 5; z++) {
            store.write(z * 100, tree(50, z).entrySet().iterator(), bytes("s" + z));
        }
        Files.write(snapDir.resolve("version-1").resolve("snapshot.0000000000000600.snap.tmp"), new byte[10]);
        assertEquals(400, store.purge(2));
        assertEquals(List.of(400L, 500L), store.listedZxids());
        assertEquals(List.of("snapshot.0000000000000190.snap", "snapshot.00000000000001f4.snap",
                "snapshots.manifest"), files());
        try (LoadedSnapshot snap = store.loadNewestValid().orElseThrow()) {
            assertEquals(500, snap.zxid());
            assertArrayEquals(bytes("s5"), snap.sessions());
        }
        // a second store on the same directory sees the same state
        Optional<LoadedSnapshot> again = new SnapshotStore(snapDir).loadNewestValid();
        assertEquals(500, again.orElseThrow().zxid());
        again.get().close();
    }

    @Test
    void writingTheSameZxidTwiceKeepsTheFirst() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        Path first = store.write(9, tree(10, 1).entrySet().iterator(), bytes("first"));
        Path second = store.write(9, tree(10, 2).entrySet().iterator(), bytes("second"));
        assertEquals(first, second);
        try (LoadedSnapshot snap = store.loadNewestValid().orElseThrow()) {
            assertArrayEquals(bytes("first"), snap.sessions());
        }
    }

    @Test
    void streamingLoadFallsBackWhenDamageIsFoundPartWay() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        store.write(10, tree(20000, 1).entrySet().iterator(), bytes("s10"));
        Path newest = store.write(20, tree(20000, 2).entrySet().iterator(), bytes("s20"));
        TxnLogTest.flipByte(newest, Files.size(newest) * 3 / 4);
        List<Long> tried = new ArrayList<>();
        int[] readBeforeDamage = {0};
        TreeMap<String, byte[]> loaded = store.loadNewestValid(snap -> {
            tried.add(snap.zxid());
            TreeMap<String, byte[]> nodes = new TreeMap<>();
            snap.forEachNode((k, v) -> {
                nodes.put(k, v);
                if (snap.zxid() == 20) {
                    readBeforeDamage[0]++;
                }
            });
            assertArrayEquals(bytes("s" + snap.zxid()), snap.sessions());
            return nodes;
        }).orElseThrow();
        assertEquals(List.of(20L, 10L), tried);
        assertTrue(readBeforeDamage[0] > 1000, "damage is found while streaming: " + readBeforeDamage[0]);
        TreeMap<String, byte[]> expected = tree(20000, 1);
        assertEquals(expected.keySet(), loaded.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, loaded.get(k), k));
    }

    @Test
    void streamingLoadChecksTheWholeFileEvenIfTheLoaderStopsEarly() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        store.write(10, tree(2000, 1).entrySet().iterator(), bytes("s10"));
        Path newest = store.write(20, tree(2000, 2).entrySet().iterator(), bytes("s20"));
        TxnLogTest.flipByte(newest, Files.size(newest) - 40); // in the last nodes block
        long zxid = store.loadNewestValid(snap -> {
            snap.nodes().next(); // reads one node only
            return snap.zxid();
        }).orElseThrow();
        assertEquals(10, zxid);
    }

    @Test
    void streamingLoadRefusesWhenEverySnapshotIsDamaged() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        Path only = store.write(10, tree(100, 1).entrySet().iterator(), bytes("s"));
        TxnLogTest.flipByte(only, Files.size(only) - 3); // the end block
        assertThrows(CorruptFileException.class, () -> store.loadNewestValid(LoadedSnapshot::zxid));
        assertEquals(Optional.empty(), new SnapshotStore(snapDir.resolve("other")).loadNewestValid(s -> 1));
    }

    @Test
    void loaderFailuresThatAreNotDamagePropagate() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        store.write(10, tree(100, 1).entrySet().iterator(), bytes("s"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.loadNewestValid(snap -> {
            throw new IllegalStateException("bug in the loader");
        }));
        assertEquals("bug in the loader", e.getMessage());
    }

    @Test
    void aMapDbSnapshotOfAnEarlierVersionIsStillLoaded() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        TreeMap<String, byte[]> nodes = tree(3000, 5);
        Path dir = snapDir.resolve("version-1");
        Path file = dir.resolve("snapshot.0000000000000007.mapdb");
        org.mapdb.DB db = org.mapdb.DBMaker.fileDB(file.toFile()).make();
        try {
            var sink = db.treeMap("nodes", org.mapdb.Serializer.STRING, org.mapdb.Serializer.BYTE_ARRAY)
                    .createFromSink();
            nodes.forEach(sink::put);
            sink.create();
            db.atomicLong("zxid", 7).create();
            db.atomicLong("nodeCount", nodes.size()).create();
            db.atomicVar("sessions", org.mapdb.Serializer.BYTE_ARRAY, bytes("old")).create();
        } finally {
            db.close();
        }
        SnapshotManifest.write(dir, List.of(new SnapshotManifest.Entry(file.getFileName().toString(), 7,
                Files.size(file), StorageFiles.crc32cOfFile(file))));
        TreeMap<String, byte[]> loaded = store.loadNewestValid(snap -> {
            assertEquals(3000, snap.nodeCount());
            assertArrayEquals(bytes("old"), snap.sessions());
            TreeMap<String, byte[]> m = new TreeMap<>();
            snap.forEachNode(m::put);
            return m;
        }).orElseThrow();
        assertEquals(nodes.keySet(), loaded.keySet());
        // the next snapshot is written in the new format and is the newest
        store.write(8, nodes.entrySet().iterator(), bytes("new"));
        assertEquals(8L, store.loadNewestValid(LoadedSnapshot::zxid).orElseThrow());
        assertEquals(List.of(7L, 8L), store.listedZxids());
    }

    @Test
    void nodeBytesAreStreamedAcrossBlocksWithoutCopies() throws IOException {
        SnapshotStore store = new SnapshotStore(snapDir);
        TreeMap<String, byte[]> nodes = tree(20_000, 9);
        nodes.put("/big", new byte[600_000]); // larger than a block: gets a block of its own
        store.write(3, nodes.entrySet().iterator(), bytes("s"));
        TreeMap<String, byte[]> loaded = store.loadNewestValid(snap -> {
            TreeMap<String, byte[]> m = new TreeMap<>();
            snap.forEachNodeBytes((key, buf, offset, length) ->
                    m.put(key, java.util.Arrays.copyOfRange(buf, offset, offset + length)));
            assertThrows(IllegalStateException.class, snap::nodes); // one pass only
            return m;
        }).orElseThrow();
        assertEquals(nodes.keySet(), loaded.keySet());
        nodes.forEach((k, v) -> assertArrayEquals(v, loaded.get(k), k));
    }
}
