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
     * updates' latency (ms, with percentiles as ZooKeeper's "advanced" summaries); the start-up's
     * loads (ms, txns); replication latencies (ms: pipeline.QuorumFigures); watches fired per event;
     * how long the AdminServer's restores took (ms, {@link ProcessFigures}).
     */
    public static final List<String> SUMMARIES = List.of("fsynctime", "snapshottime", "sync_processor_batch_size",
            "election_time", "unavailable_time", "leader_unavailable_time", "follower_sync_time", "observer_sync_time", "readlatency",
            "updatelatency", "dbinittime", "startup_snap_load_time", "startup_txns_loaded", "startup_txns_load_time",
            "quorum_ack_latency", "proposal_latency", "commit_propagation_latency", "propagation_latency",
            "node_created_watch_count", "node_deleted_watch_count", "node_changed_watch_count",
            "node_children_watch_count", "sync_processor_queue_size", "sync_processor_queue_time_ms",
            "sync_process_time", "sync_processor_queue_flush_time_ms", "sync_processor_queue_and_flush_time_ms",
            "jvm_pause_time_ms", "inflight_diff_count", "inflight_snap_count", "prep_process_time", "proposal_ack_creation_latency", "close_session_prep_time", "proposal_process_time", "read_final_proc_time_ms",
            "write_final_proc_time_ms", ProcessFigures.RESTORE_TIME);
    /**
     * ZooKeeper's summary sets Coord measures: a summary per key (on the leader, ack_latency per
     * voting follower, learner_handler_qp_size and learner_handler_qp_time_ms (ms a sampled frame
     * waited in the queue) per learner; on every member, bytes written and read
     * per namespace).
     */
    public static final List<String> SUMMARY_SETS = List.of("ack_latency", "learner_handler_qp_size",
            "learner_handler_qp_time_ms", "write_per_namespace", "read_per_namespace");
    /**
     * ZooKeeper's counters Coord counts: times this member started looking, sessions the tracker
     * expired, auth packets and SASL steps refused, handshakes and bytes read from clients,
     * proposals and commits (leader), proposals and commits received (learner), DIFF/TRUNC and SNAP
     * syncs the leader sent; the process's ({@link ProcessFigures#COUNTERS}): the AdminServer's
     * snapshot and restore commands refused for their rate or failed, its plaintext connections
     * with admin.portUnification, and the member's fail-stops the process survived.
     */
    public static final List<String> COUNTERS = java.util.stream.Stream.concat(java.util.stream.Stream.of("looking_count", "stale_sessions_expired", "auth_failed_count",
            "connection_request_count", "connection_revalidate_count", "revalidate_count", "connection_rejected", "unsuccessful_handshake", "outstanding_tls_handshake",
            "non_mtls_local_conn_count", "non_mtls_remote_conn_count", "bytes_received_count", "response_bytes", "watch_bytes", "proposal_count", "commit_count",
            "learner_proposal_received_count", "learner_commit_received_count", "diff_count", "snap_count",
            "sync_processor_request_queued"), ProcessFigures.COUNTERS.stream()).toList();
    /** ZooKeeper's gauges of the sizes (bytes) of the replies sent to clients: -1 before the first, reset by srst. */
    public static final List<String> CLIENT_RESPONSE_GAUGES = List.of("last_client_response_size",
            "min_client_response_size", "max_client_response_size");
    /** A leader's gauges of its proposals' sizes (bytes) since it took the role: -1 before the first. */
    public static final List<String> PROPOSAL_SIZE_GAUGES = List.of("last_proposal_size", "min_proposal_size",
            "max_proposal_size");

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
        for (String name : CLIENT_RESPONSE_GAUGES) {
            m.put(name, s.counters().getOrDefault(name, -1L));
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
                for (String name : PROPOSAL_SIZE_GAUGES) {
                    m.put(name, s.counters().getOrDefault(name, -1L));
                }
            }
        }
        coordFigures(s, m);
        return m;
    }

    /**
     * The last zxid applied, log forces (count, mean and longest in us), the two directories' sizes,
     * the log's disk full (1) or not and how often it filled up; group commit batch sizes (ops per
     * log force), session expiry lag (ms after the deadline) and,
     * on a serving leader, each synced follower's lag in zxids and ms with their maxima.
     */
    private static void coordFigures(ServerStatus s, Map<String, Object> m) {
        m.put(COORD_PREFIX + "last_zxid", s.zxid());
        m.put(COORD_PREFIX + "fsync_count", s.fsyncCount());
        m.put(COORD_PREFIX + "fsync_time_avg_us", s.avgFsyncMicros());
        m.put(COORD_PREFIX + "fsync_time_max_us", s.maxFsyncMicros());
        m.put(COORD_PREFIX + "log_dir_bytes", s.logBytes());
        m.put(COORD_PREFIX + "snapshot_dir_bytes", s.snapshotBytes());
        m.put(COORD_PREFIX + "disk_full", s.diskFull() ? 1 : 0);
        m.put(COORD_PREFIX + "disk_full_events", s.diskFullEvents());
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

    /**
     * Each summary as ZooKeeper's monitor lists it: avg_, min_, max_, cnt_, sum_ (ZooKeeper's types)
     * and percentiles; a summary set's as {@code <prefix>_<key>_<name>}, as ZooKeeper's counter sets.
     */
    private static void summaries(ServerStatus s, Map<String, Object> m) {
        for (String name : SUMMARIES) {
            MetricSummary v = s.summaries().get(name);
            if (v != null) {
                summary(name, v, m);
            }
        }
        for (String set : SUMMARY_SETS) {
            s.summarySets().getOrDefault(set, java.util.Collections.emptySortedMap())
                    .forEach((key, v) -> summary(key + "_" + set, v, m));
        }
    }

    private static void summary(String name, MetricSummary v, Map<String, Object> m) {
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
