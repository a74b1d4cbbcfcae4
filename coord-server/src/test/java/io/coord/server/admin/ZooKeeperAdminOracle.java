package io.coord.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Set;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.admin.Commands;

/**
 * A real ZooKeeper 3.9.5 standalone server in the test JVM whose AdminServer commands are run
 * directly: {@code Commands.getCommand(name).runGet(server, {})} is what ZooKeeper's Jetty servlet
 * runs, and its {@code toMap()} is serialised here as ZooKeeper's JsonOutputter does (Jackson, snake
 * case). Jetty itself is not needed (and ZooKeeper 3.9's Jetty 9.4 is not available here).
 */
public final class ZooKeeperAdminOracle implements AutoCloseable {
    private static final ObjectMapper ZK_JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /**
     * Monitor keys a ZooKeeper 3.9.5 quorum server adds to the standalone ones, recorded from its
     * QuorumZooKeeperServer (peer_state, quorum_size) and LeaderZooKeeperServer (the rest).
     */
    public static final Set<String> QUORUM_MONITOR_KEYS = Set.of("peer_state", "quorum_size", "learners",
            "synced_followers", "synced_non_voting_followers", "synced_observers", "pending_syncs", "leader_uptime",
            "last_proposal_size", "max_proposal_size", "min_proposal_size");
    /** Coord's own monitor keys (ZooKeeper has none of them) that every server reports. */
    public static final Set<String> COORD_MONITOR_KEYS = Set.of("coord_last_zxid", "coord_fsync_count",
            "coord_fsync_time_avg_us", "coord_fsync_time_max_us", "coord_log_dir_bytes", "coord_snapshot_dir_bytes",
            "coord_disk_full", "coord_disk_full_events", "coord_group_commit_batches",
            "coord_group_commit_batch_avg", "coord_group_commit_batch_max", "coord_sessions_expired",
            "coord_session_expiry_lag_ms_max");
    /** Coord's own monitor keys a serving leader adds, besides coord_follower_<id>_lag_zxids and _lag_ms. */
    public static final Set<String> COORD_LEADER_MONITOR_KEYS = Set.of("coord_follower_lag_zxids_max",
            "coord_follower_lag_ms_max");
    /** The leader command's fields on a quorum server, recorded from ZooKeeper 3.9.5's Commands.LeaderCommand. */
    public static final Set<String> QUORUM_LEADER_FIELDS = Set.of("is_leader", "leader_id", "leader_ip", "command", "error");
    /** The zabstate command's fields on a quorum server, recorded from Commands.ZabStateCommand. */
    public static final Set<String> QUORUM_ZABSTATE_FIELDS = Set.of("myid", "is_leader", "quorum_address",
            "election_address", "client_address", "voting", "last_zxid", "zab_epoch", "zab_counter", "zabstate",
            "command", "error");
    /** One voting_view entry (Commands.VotingViewCommand.QuorumServerView, snake case). */
    public static final Set<String> VOTING_VIEW_ENTRY_FIELDS = Set.of("server_addresses", "election_addresses",
            "client_address", "learner_type");

    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    public ZooKeeperAdminOracle(Path dir) throws IOException, InterruptedException {
        Path data = Files.createDirectories(dir.resolve("zk"));
        server = new ZooKeeperServer(data.toFile(), data.toFile(), 2000);
        factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
        factory.startup(server);
    }

    public String connectString() {
        return "127.0.0.1:" + factory.getLocalPort();
    }

    /** ZooKeeper's JSON answer to {@code command}, as its AdminServer would write it. */
    public JsonNode command(String command) throws IOException {
        return ZK_JSON.readTree(ZK_JSON.writeValueAsString(
                Commands.getCommand(command).runGet(server, new HashMap<>()).toMap()));
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
    }
}
