package io.coord.bench.target;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The servers {@code compare} can launch, each with an equivalent standalone configuration:
 * tickTime 2000, fsync on (both servers' default), loopback only, every four-letter word allowed.
 */
public enum ServerKind {
    COORD("coord", "io.coord.server.CoordServerMain"),
    ZK("zk", "org.apache.zookeeper.server.ZooKeeperServerMain");

    private final String label;
    private final String mainClass;

    ServerKind(String label, String mainClass) {
        this.label = label;
        this.mainClass = mainClass;
    }

    public String label() {
        return label;
    }

    public String mainClass() {
        return mainClass;
    }

    public static ServerKind byLabel(String label) {
        for (ServerKind k : values()) {
            if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown target '" + label + "' (expected coord or zk)");
    }

    /** The zoo.cfg text for this server on {@code port} with its data under {@code dataDir}, default snapCount. */
    public String config(Path dataDir, int port) {
        return config(dataDir, port, 0);
    }

    /**
     * The zoo.cfg text with an explicit {@code snapCount} (txns between snapshots; {@code <= 0} keeps the
     * server's default of 100000). Both servers read the key from the cfg: Coord natively, ZooKeeper by
     * turning unknown cfg keys into {@code zookeeper.*} system properties.
     */
    public String config(Path dataDir, int port, int snapCount) {
        StringBuilder sb = new StringBuilder()
                .append("tickTime=2000\n")
                .append("dataDir=").append(dataDir.toAbsolutePath()).append('\n')
                .append("clientPort=").append(port).append('\n')
                .append("clientPortAddress=127.0.0.1\n")
                .append("maxClientCnxns=0\n")
                .append("4lw.commands.whitelist=*\n");
        if (snapCount > 0) {
            sb.append("snapCount=").append(snapCount).append('\n');
        }
        if (this == ZK) {
            sb.append("admin.enableServer=false\n");
        }
        return sb.toString();
    }
}
