package io.coord.server.admin;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of ZooKeeper's {@code monitor} command (and {@code mntr}, with a {@code zk_} prefix)
 * that Coord measures, under ZooKeeper's names. A figure Coord does not measure is left out rather
 * than reported with a made-up value. Coord's own figures, which ZooKeeper does not have, follow
 * under names that start with {@value #COORD_PREFIX}.
 */
public final class MonitorValues {

    /** The prefix of Coord's own figures (ZooKeeper has no key that starts with it). */
    public static final String COORD_PREFIX = "coord_";

    private MonitorValues() {
    }

    /** Name to value, in ZooKeeper's order where it has one. */
    public static Map<String, Object> of(ServerStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", s.version());
        m.put("server_state", s.mode());
        m.put("ephemerals_count", s.ephemeralsCount());
        m.put("num_alive_connections", s.connections().size());
        m.put("avg_latency", s.avgLatencyMsExact());
        m.put("outstanding_requests", s.outstandingRequests());
        m.put("znode_count", s.nodeCount());
        m.put("global_sessions", s.sessionCount());
        // Local sessions (localSessionsEnabled) are not counted in mntr yet.
        m.put("local_sessions", 0);
        m.put("packets_sent", s.packetsSent());
        m.put("packets_received", s.packetsReceived());
        m.put("watch_count", s.watchCount());
        m.put("min_latency", s.minLatencyMs());
        m.put("max_latency", s.maxLatencyMs());
        m.put("approximate_data_size", s.approximateDataSize());
        fileDescriptors(m);
        m.put("uptime", s.uptimeMs());
        // ZooKeeper's fsynctime summary is in milliseconds; Coord keeps count, mean and maximum.
        m.put("cnt_fsynctime", s.fsyncCount());
        m.put("avg_fsynctime", s.avgFsyncMicros() / 1000.0);
        m.put("max_fsynctime", s.maxFsyncMicros() / 1000);
        QuorumStatus q = s.quorum();
        if (q != null) {
            m.put("peer_state", peerState(q));
            m.put("quorum_size", q.voters());
            if (q.leading()) {
                m.put("learners", q.learners());
                m.put("synced_followers", q.syncedFollowers());
                // Coord has no non-voting followers (ZooKeeper's passing state during a reconfig).
                m.put("synced_non_voting_followers", 0);
                m.put("synced_observers", q.syncedObservers().size());
                m.put("pending_syncs", q.pendingSyncs());
            }
        }
        coordFigures(s, m);
        return m;
    }

    /**
     * Group commit batch sizes (ops per log force), session expiry lag (ms after the deadline) and,
     * on a serving leader, each synced follower's lag in zxids and ms with their maxima.
     */
    private static void coordFigures(ServerStatus s, Map<String, Object> m) {
        m.put(COORD_PREFIX + "group_commit_batches", s.groupCommitBatches());
        m.put(COORD_PREFIX + "group_commit_batch_avg",
                s.groupCommitBatches() == 0 ? 0.0 : (double) s.groupCommitOps() / s.groupCommitBatches());
        m.put(COORD_PREFIX + "group_commit_batch_max", s.groupCommitBatchMax());
        m.put(COORD_PREFIX + "sessions_expired", s.sessionsExpired());
        m.put(COORD_PREFIX + "session_expiry_lag_ms_max", s.sessionExpiryLagMaxMs());
        QuorumStatus q = s.quorum();
        if (q == null || !q.leading()) {
            return;
        }
        long maxZxids = 0;
        long maxMs = 0;
        for (QuorumStatus.FollowerLag lag : q.followerLags()) {
            m.put(COORD_PREFIX + "follower_" + lag.followerId() + "_lag_zxids", lag.lagZxids());
            m.put(COORD_PREFIX + "follower_" + lag.followerId() + "_lag_ms", lag.lagMs());
            maxZxids = Math.max(maxZxids, lag.lagZxids());
            maxMs = Math.max(maxMs, lag.lagMs());
        }
        m.put(COORD_PREFIX + "follower_lag_zxids_max", maxZxids);
        m.put(COORD_PREFIX + "follower_lag_ms_max", maxMs);
    }

    /** ZooKeeper's "<state> - <zab state>", e.g. "leading - broadcast". */
    static String peerState(QuorumStatus q) {
        String state = q.leaderId() < 0 ? "looking" : q.leaderId() == q.myId() ? "leading"
                : q.observing() ? "observing" : "following";
        return state + " - " + q.zabState();
    }

    private static void fileDescriptors(Map<String, Object> m) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            m.put("open_file_descriptor_count", u.getOpenFileDescriptorCount());
            m.put("max_file_descriptor_count", u.getMaxFileDescriptorCount());
        }
    }
}
