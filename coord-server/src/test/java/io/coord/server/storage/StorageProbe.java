package io.coord.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prints rough storage costs on this machine: append+force latency, group-commit throughput, and
 * snapshot write/load time for 1M nodes. Not a test; run by hand:
 * {@code java -cp <test+main classpath> io.coord.server.storage.StorageProbe [scratchDir]}.
 */
public final class StorageProbe {

    private StorageProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path scratch = Files.createTempDirectory(base, "storage-probe");
        System.out.println("scratch dir: " + scratch);
        try {
            probeAppendForce(scratch.resolve("log1"), 1000);
            // twice: the first run includes JIT warm-up, the second is closer to a long-running server
            probeSnapshot(scratch.resolve("snap1"), 1_000_000, 100);
            probeSnapshot(scratch.resolve("snap2"), 1_000_000, 100);
        } finally {
            deleteTree(scratch);
        }
    }

    private static void probeAppendForce(Path dir, int records) throws IOException {
        byte[] txn = new byte[64];
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES)) {
            long start = System.nanoTime();
            for (int i = 1; i <= records; i++) {
                log.append(i, txn);
                log.sync();
            }
            long elapsed = System.nanoTime() - start;
            System.out.printf("append+force, %d x %d-byte records: avg %.3f ms per record (force alone avg %.3f ms)%n",
                    records, txn.length, elapsed / 1e6 / records, log.totalForceNanos() / 1e6 / log.forceCount());
        }
    }

    private static void probeSnapshot(Path dir, int nodes, int valueBytes) throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        byte[] value = new byte[valueBytes];
        Iterator<Map.Entry<String, byte[]>> sorted = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < nodes;
            }

            @Override
            public Map.Entry<String, byte[]> next() {
                value[0] = (byte) next;
                String digits = Integer.toString(100_000_000 + next++).substring(1);
                return Map.entry("/app/node-" + digits, value.clone());
            }
        };
        long start = System.nanoTime();
        Path file = store.write(1, sorted, new byte[1024]);
        long writeNs = System.nanoTime() - start;
        System.out.printf("snapshot write, %d nodes x %d bytes: %.2f s, file %.1f MiB%n",
                nodes, valueBytes, writeNs / 1e9, Files.size(file) / (1024.0 * 1024));
        start = System.nanoTime();
        long[] seen = {0, 0};
        try (LoadedSnapshot snap = store.loadNewestValid().orElseThrow()) {
            long openNs = System.nanoTime() - start;
            snap.forEachNode((k, v) -> {
                seen[0]++;
                seen[1] += v.length;
            });
            long loadNs = System.nanoTime() - start;
            System.out.printf("snapshot load (CRC check + open %.2f s), streamed %d nodes / %d value bytes: %.2f s%n",
                    openNs / 1e9, seen[0], seen[1], loadNs / 1e9);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
