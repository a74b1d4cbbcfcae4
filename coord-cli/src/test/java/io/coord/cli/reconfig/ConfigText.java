package io.coord.cli.reconfig;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The text of /zookeeper/config as ZooKeeper writes it: one {@code server.N=...} line per member in
 * id order, then {@code version=<hex>} (the zxid of the reconfig that made it, no 0x).
 */
record ConfigText(String text, List<String> servers, long version) {
    static ConfigText of(byte[] data) {
        return of(new String(data, StandardCharsets.UTF_8));
    }

    static ConfigText of(String text) {
        List<String> servers = text.lines().filter(l -> l.startsWith("server.")).toList();
        long version = text.lines().filter(l -> l.startsWith("version="))
                .mapToLong(l -> Long.parseLong(l.substring("version=".length()).trim(), 16)).findFirst().orElse(-1);
        return new ConfigText(text, servers, version);
    }
}
