package io.coord.server.tools;

import io.coord.server.storage.ForeignDataCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Stream;

/** ZooKeeper's file names: {@code <prefix><zxid hex>[.gz|.snappy]} under {@code version-2}. */
final class ZkFiles {
    private ZkFiles() {
    }

    /** The zxid in a ZooKeeper file name, or -1 if the name is not one of prefix's files. */
    static long zxidOf(String name, String prefix) {
        if (!name.startsWith(prefix)) {
            return -1;
        }
        String rest = name.substring(prefix.length());
        int dot = rest.indexOf('.');
        String hex = dot < 0 ? rest : rest.substring(0, dot);
        String suffix = dot < 0 ? "" : rest.substring(dot);
        if (hex.isEmpty() || hex.length() > 16 || !(suffix.isEmpty() || suffix.equals(".gz") || suffix.equals(".snappy"))) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Files named prefix + zxid in dir/version-2 (or dir itself if it is the version-2 directory). */
    static TreeMap<Long, Path> byZxid(Path dir, String prefix) throws IOException {
        Path versionDir = versionDir(dir);
        TreeMap<Long, Path> files = new TreeMap<>();
        if (!Files.isDirectory(versionDir)) {
            return files;
        }
        try (Stream<Path> list = Files.list(versionDir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                long zxid = zxidOf(p.getFileName().toString(), prefix);
                if (zxid >= 0 && Files.isRegularFile(p)) {
                    Path other = files.put(zxid, p);
                    if (other != null) {
                        throw new ZkFormatException(p, -1, "two files for zxid 0x" + Long.toHexString(zxid)
                                + " (also " + other.getFileName() + "): move one aside");
                    }
                }
            }
        }
        return files;
    }

    static Path versionDir(Path dir) {
        return dir.getFileName() != null && dir.getFileName().toString().equals(ForeignDataCheck.ZOOKEEPER_VERSION_DIR)
                ? dir : dir.resolve(ForeignDataCheck.ZOOKEEPER_VERSION_DIR);
    }
}
