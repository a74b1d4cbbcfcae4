package io.coord.server.config;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The membership as ZooKeeper shows it in {@code /zookeeper/config} (what a stock client's
 * {@code getConfig} and zkCli's {@code config} read, and Curator's EnsembleTracker parses): one
 * {@code server.N=host:quorumPort:electionPort:participant|observer[;clientHost:clientPort]} line per
 * member, in id order, then {@code version=<hex>} with no line end. A member's client part is shown
 * only when its server.N line had one (the dynamic file's form), as ZooKeeper leaves out a client
 * address that came from clientPort.
 */
public final class ConfigNodeText {
    private ConfigNodeText() {
    }

    public static byte[] of(ServerConfig config) {
        return of(config.servers(), config.configVersion()).getBytes(StandardCharsets.UTF_8);
    }

    static String of(Map<Long, ServerAddress> servers, long version) {
        StringBuilder sb = new StringBuilder();
        for (ServerAddress a : new TreeMap<>(servers).values()) {
            sb.append("server.").append(a.id()).append('=').append(delimited(a.host())).append(':')
                    .append(a.quorumPort()).append(':').append(a.electionPort())
                    .append(a.observer() ? ":observer" : ":participant");
            InetSocketAddress client = a.clientAddress();
            if (client != null) {
                sb.append(';').append(delimited(client.getHostString())).append(':').append(client.getPort());
            }
            sb.append('\n');
        }
        return sb.append("version=").append(Long.toHexString(version)).toString();
    }

    /** An IPv6 literal in brackets, so that the port after it stays readable. */
    private static String delimited(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
