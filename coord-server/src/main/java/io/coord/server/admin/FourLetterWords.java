package io.coord.server.admin;

import io.coord.server.admin.ServerStatus.ConnectionInfo;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

/** The texts of ZooKeeper's four-letter words, in ZooKeeper's layout so existing tools parse them. */
public final class FourLetterWords {

    private FourLetterWords() {
    }

    /** The answer to {@code word}, or null when the word needs no state (ruok) or is unknown. */
    public static String render(String word, ServerStatus s) {
        return switch (word) {
            case "srvr" -> srvr(s);
            case "stat" -> stat(s);
            case "mntr" -> mntr(s);
            case "conf" -> s.configText();
            case "cons" -> cons(s.connections()) + "\n";
            case "envi" -> envi(s);
            case "dump" -> dump(s);
            case "wchs" -> wchs(s);
            case "wchc" -> s.watchesByConnection();
            case "wchp" -> s.watchesByPath();
            case "dirs" -> "datadir_size: " + s.snapshotBytes() + "\nlogdir_size: " + s.logBytes() + "\n";
            case "isro" -> isro(s);
            case "crst" -> "Connection stats reset.\n";
            case "srst" -> "Server stats reset.\n";
            default -> null;
        };
    }

    /**
     * The {@code hash} word: ZooKeeper prints its recent (zxid, tree digest) pairs, one
     * {@code <zxid in hex>: <digest in decimal>} line each; Coord prints the pair for its current
     * tree. Coord's digest is its own order-independent hash (NodeHash), so its values compare
     * between Coord members, not with ZooKeeper's.
     */
    public static String hash(long zxid, long digest) {
        return Long.toHexString(zxid) + ": " + digest + "\n";
    }

    /** The reply to a word that is not whitelisted, in ZooKeeper's words. */
    public static String notWhitelisted(String word) {
        return word + " is not executed because it is not in the whitelist.\n";
    }

    /** ZooKeeper's answers: "ro" in read-only mode, "null" while not serving, else "rw". */
    private static String isro(ServerStatus s) {
        if (s.readOnly()) {
            return "ro";
        }
        return ServerStatus.LOOKING_MODE.equals(s.mode()) ? "null" : "rw";
    }

    private static String srvr(ServerStatus s) {
        return "Zookeeper version: " + s.version() + "\n"
                + "Latency min/avg/max: " + s.minLatencyMs() + "/" + s.avgLatencyMs() + "/" + s.maxLatencyMs() + "\n"
                + "Received: " + s.packetsReceived() + "\n"
                + "Sent: " + s.packetsSent() + "\n"
                + "Connections: " + s.connections().size() + "\n"
                + "Outstanding: " + s.outstandingRequests() + "\n"
                + "Zxid: 0x" + Long.toHexString(s.zxid()) + "\n"
                + "Mode: " + s.mode() + "\n"
                + "Node count: " + s.nodeCount() + "\n"
                + (s.diskFull() ? "Storage: DISK FULL, writes refused until the log's disk has room\n" : "");
    }

    private static String stat(ServerStatus s) {
        String srvr = srvr(s);
        int cut = srvr.indexOf("Latency");
        return srvr.substring(0, cut) + "Clients:\n" + cons(s.connections()) + "\n" + srvr.substring(cut);
    }

    private static String cons(List<ConnectionInfo> connections) {
        StringBuilder sb = new StringBuilder();
        for (ConnectionInfo c : connections) {
            sb.append(" /").append(c.remote()).append("[1](queued=").append(c.outstanding())
                    .append(",recved=").append(c.received()).append(",sent=").append(c.sent())
                    .append(",sid=0x").append(Long.toHexString(c.sessionId()))
                    .append(",to=").append(c.timeoutMs())
                    .append(",lzxid=0x").append(Long.toHexString(c.lastZxid())).append(")\n");
        }
        return sb.toString();
    }

    private static String mntr(ServerStatus s) {
        StringBuilder sb = new StringBuilder();
        line(sb, "zk_version", s.version());
        line(sb, "zk_server_state", s.mode());
        line(sb, "zk_avg_latency", s.avgLatencyMs());
        line(sb, "zk_max_latency", s.maxLatencyMs());
        line(sb, "zk_min_latency", s.minLatencyMs());
        line(sb, "zk_packets_received", s.packetsReceived());
        line(sb, "zk_packets_sent", s.packetsSent());
        line(sb, "zk_num_alive_connections", s.connections().size());
        line(sb, "zk_outstanding_requests", s.outstandingRequests());
        line(sb, "zk_znode_count", s.nodeCount());
        line(sb, "zk_watch_count", s.watchCount());
        line(sb, "zk_ephemerals_count", s.ephemeralsCount());
        line(sb, "zk_approximate_data_size", s.approximateDataSize());
        line(sb, "zk_global_sessions", s.sessionCount());
        line(sb, "zk_open_file_descriptor_count", openFileDescriptors());
        // The rest of ZooKeeper's figures Coord measures (uptime, quorum and leader figures, ...), then
        // Coord's own (zk_coord_*: storage, group commit, follower lag, ...).
        MonitorValues.of(s).forEach((key, value) -> {
            if (sb.indexOf("zk_" + key + "\t") < 0) {
                line(sb, "zk_" + key, value);
            }
        });
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, Object value) {
        sb.append(key).append('\t').append(value).append('\n');
    }

    private static long openFileDescriptors() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u.getOpenFileDescriptorCount() : -1;
    }

    private static String envi(ServerStatus s) {
        StringBuilder sb = new StringBuilder("Environment:\n");
        sb.append("zookeeper.version=").append(s.version()).append('\n');
        for (String key : List.of("java.version", "java.vendor", "java.home", "java.class.path",
                "os.name", "os.arch", "os.version", "user.name", "user.dir")) {
            sb.append(key).append('=').append(System.getProperty(key, "")).append('\n');
        }
        return sb.toString();
    }

    private static String dump(ServerStatus s) {
        StringBuilder sb = new StringBuilder("SessionTracker dump:\nSession count: ")
                .append(s.sessionCount()).append("\nephemeral nodes dump:\nSessions with Ephemerals (")
                .append(s.ephemeralsBySession().size()).append("):\n");
        for (Map.Entry<Long, List<String>> e : s.ephemeralsBySession().entrySet()) {
            sb.append("0x").append(Long.toHexString(e.getKey())).append(":\n");
            for (String path : e.getValue()) {
                sb.append('\t').append(path).append('\n');
            }
        }
        return sb.toString();
    }

    private static String wchs(ServerStatus s) {
        return s.watchConnections() + " connections watching " + s.watchPaths() + " paths\n"
                + "Total watches:" + s.watchCount() + "\n";
    }
}
