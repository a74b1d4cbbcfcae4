package io.coord.bench.target;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The servers {@code compare} can launch, each with an equivalent configuration, standalone or as an
 * ensemble member: tickTime 2000, fsync on (both servers' default), loopback only, every
 * four-letter word allowed.
 */
public enum ServerKind {
    COORD("coord", "io.coord.server.CoordServerMain", "io.coord.server.CoordServerMain"),
    ZK("zk", "org.apache.zookeeper.server.ZooKeeperServerMain", "org.apache.zookeeper.server.quorum.QuorumPeerMain");

    /** ZooKeeper's usual ensemble limits, in ticks: followers connect and sync within these. */
    public static final int INIT_LIMIT_TICKS = 10;
    public static final int SYNC_LIMIT_TICKS = 5;
    public static final int DEFAULT_TICK_TIME_MS = 2000;

    private final String label;
    private final String mainClass;
    private final String ensembleMainClass;

    ServerKind(String label, String mainClass, String ensembleMainClass) {
        this.label = label;
        this.mainClass = mainClass;
        this.ensembleMainClass = ensembleMainClass;
    }

    /** The main class of an ensemble member (Coord uses one main for both; ZooKeeper has QuorumPeerMain). */
    public String ensembleMainClass() {
        return ensembleMainClass;
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
        return config(dataDir, port, snapCount, null, 0);
    }

    /** As {@link #config(Path, int, int)}, plus a TLS port on {@code securePort} when {@code tls} is given. */
    public String config(Path dataDir, int port, int snapCount, BenchTls tls, int securePort) {
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
        if (tls != null) {
            sb.append(tls.serverConfig(securePort));
        }
        // Both kinds: the benchmark needs no AdminServer, and several servers on one host would all ask for 8080.
        sb.append("admin.enableServer=false\n");
        return sb.toString();
    }

    /**
     * The zoo.cfg text of ensemble member {@code self}: the standalone keys plus initLimit, syncLimit and
     * one {@code server.N} line per member. The member's {@code myid} file is written separately.
     */
    public String ensembleConfig(Path dataDir, MemberAddress self, List<MemberAddress> members, int tickTimeMs) {
        StringBuilder sb = new StringBuilder()
                .append("tickTime=").append(tickTimeMs).append('\n')
                .append("initLimit=").append(INIT_LIMIT_TICKS).append('\n')
                .append("syncLimit=").append(SYNC_LIMIT_TICKS).append('\n')
                .append("dataDir=").append(dataDir.toAbsolutePath()).append('\n')
                .append("clientPort=").append(self.clientPort()).append('\n')
                .append("clientPortAddress=127.0.0.1\n")
                .append("maxClientCnxns=0\n")
                .append("4lw.commands.whitelist=*\n");
        for (MemberAddress member : members) {
            sb.append(member.serverLine()).append('\n');
        }
        if (self.observer()) {
            sb.append("peerType=observer\n"); // ZooKeeper wants it next to the :observer line
        }
        // Both kinds: the benchmark needs no AdminServer, and several servers on one host would all ask for 8080.
        sb.append("admin.enableServer=false\n");
        return sb.toString();
    }
}
