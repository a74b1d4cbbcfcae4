package io.coord.server.admin;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * ZooKeeper's summaries Coord measures (ServerMetrics' names): how long log forces and snapshots
     * take (ms), how many ops each force made durable, how long elections take (ms), reads' and
     * updates' latency (ms, with percentiles as ZooKeeper's "advanced" summaries).
     */
    public static final List<String> SUMMARIES = List.of("fsynctime", "snapshottime", "sync_processor_batch_size",
            "election_time", "unavailable_time", "follower_sync_time", "observer_sync_time", "readlatency",
            "updatelatency");
    /**
     * ZooKeeper's counters Coord counts: times this member started looking, sessions the tracker
     * expired, auth packets and SASL steps refused.
     */
    public static final List<String> COUNTERS = List.of("looking_count", "stale_sessions_expired", "auth_failed_count");

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
        m.put("local_sessions", s.counters().getOrDefault("local_sessions", 0L));
        m.put("packets_sent", s.packetsSent());
        m.put("packets_received", s.packetsReceived());
        m.put("watch_count", s.watchCount());
        m.put("min_latency", s.minLatencyMs());
        m.put("max_latency", s.maxLatencyMs());
        m.put("approximate_data_size", s.approximateDataSize());
        fileDescriptors(m);
        m.put("uptime", s.uptimeMs());
        // ZooKeeper's BlueThrottle drops new connections at random under load (off by default, and
        // then it reports 0). Coord never drops connections at random, so the chance is always 0.
        m.put("connection_drop_probability", 0.0);
        summaries(s, m);
        for (String name : COUNTERS) {
            m.put(name, s.counters().getOrDefault(name, 0L));
        }
        QuorumStatus q = s.quorum();
        if (q != null) {
            m.put("peer_state", peerState(q));
            m.put("quorum_size", q.voters());
            if (q.leading()) {
                m.put("learners", q.learners());
                m.put("synced_followers", q.syncedFollowers());
                // Members outside the configuration synced with the leader (joiners before a reconfig adds them).
                m.put("synced_non_voting_followers", q.syncedNonVotingFollowers());
                m.put("synced_observers", q.syncedObservers().size());
                m.put("pending_syncs", q.pendingSyncs());
                // ms since this member took the leader's role, as ZooKeeper's Leader.getUptime.
                m.put("leader_uptime", s.counters().getOrDefault("leader_uptime", 0L));
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

    /** Each summary as ZooKeeper's monitor lists it: avg_, min_, max_, cnt_, sum_ (ZooKeeper's types) and percentiles. */
    private static void summaries(ServerStatus s, Map<String, Object> m) {
        for (String name : SUMMARIES) {
            MetricSummary v = s.summaries().get(name);
            if (v == null) {
                continue;
            }
            m.put("avg_" + name, v.avg());
            m.put("min_" + name, Math.round(v.min()));
            m.put("max_" + name, Math.round(v.max()));
            m.put("cnt_" + name, v.count());
            m.put("sum_" + name, Math.round(v.sum()));
            if (v.advanced()) {
                MetricSummary.MONITOR_PERCENTILES.forEach((key, fraction) ->
                        m.put(key + "_" + name, Math.round(v.quantile(fraction))));
            }
        }
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
