package io.coord.server.tools;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileSnap;

/**
 * By hand (not a test): writes a ZooKeeper snapshot of N znodes with ZooKeeper 3.9.5's own
 * DataTree and FileSnap, for timing {@code bin/coord-admin import-zookeeper} on a large tree:
 * {@code java -cp <test classpath> io.coord.server.tools.ZkSnapshotGenerator DIR [N]}.
 * Layout: 1000 parents with N/1000 children each, 100 bytes of data per node.
 */
public final class ZkSnapshotGenerator {
    private ZkSnapshotGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int total = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int parents = 1000;
        DataTree tree = new DataTree();
        byte[] data = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
        long zxid = 0;
        long now = System.currentTimeMillis();
        for (int p = 0; p < parents; p++) {
            tree.createNode("/p" + p, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, p, ++zxid, now);
            for (int c = 0; c < total / parents - 1; c++) {
                tree.createNode("/p" + p + "/c" + c, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, c, ++zxid, now);
            }
        }
        Map<Long, Integer> sessions = new HashMap<>();
        sessions.put(0x100000000000001L, 30_000);
        Path versionDir = dir.resolve("version-2");
        Files.createDirectories(versionDir);
        File snap = versionDir.resolve("snapshot." + Long.toHexString(zxid)).toFile();
        new FileSnap(versionDir.toFile()).serialize(tree, sessions, snap, false);
        System.out.printf("wrote %s: %d nodes, zxid 0x%x, %d bytes%n", snap, tree.getNodeCount(), zxid, snap.length());
    }
}
