package io.coord.cli.reconfig;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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

    /** The ids whose line says {@code role} (participant or observer). */
    Set<Integer> ids(String role) {
        Set<Integer> ids = new TreeSet<>();
        for (String line : servers) {
            String member = line.substring(0, line.indexOf(';'));
            if (member.endsWith(":" + role)) {
                ids.add(Integer.parseInt(line.substring("server.".length(), line.indexOf('='))));
            }
        }
        return ids;
    }

    Set<Integer> ids() {
        Set<Integer> ids = new TreeSet<>(ids("participant"));
        ids.addAll(ids("observer"));
        return ids;
    }

    /** Every member's client address ({@code host:port} after the ';'), sorted: what a tracker connects to. */
    Set<String> clientAddresses() {
        Set<String> addresses = new TreeSet<>();
        for (String line : servers) {
            addresses.add(line.substring(line.indexOf(';') + 1).trim());
        }
        return addresses;
    }
}
