package io.coord.server.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * ZooKeeper 3.9.5 metrics (ServerMetrics' names, as its monitor command and Prometheus provider give
 * them) that Coord does not report, each with why. A test compares Coord's key set with a real
 * ZooKeeper's and fails on any difference not declared here, so this is the whole list of what is
 * missing. Names are ZooKeeper's base names: a summary named here stands for all its keys
 * ({@code avg_}, {@code min_}, {@code max_}, {@code cnt_}, {@code sum_}, percentiles; in Prometheus
 * the name with {@code _count} and {@code _sum}).
 */
public final class ZooKeeperMetricGaps {

    /** Parts of ZooKeeper's server Coord does not have, so these figures cannot apply; reason to names. */
    public static final Map<String, List<String>> CANNOT_APPLY = cannotApply();

    /**
     * Figures that would apply to Coord but that it does not measure yet (left out rather than made
     * up): the remaining work of issue 16.
     */
    public static final Map<String, List<String>> NOT_YET_MEASURED = notYetMeasured();

    /**
     * ZooKeeper leader's summary sets labelled by learner that Coord's leader does not measure yet:
     * none (learner_handler_qp_time_ms is measured by quorum.FrameOutbox, one frame in a thousand as
     * ZooKeeper's marker packets).
     */
    public static final Set<String> LEADER_SETS_NOT_YET_MEASURED = Set.of();

    /**
     * Every set ZooKeeper 3.9.5 keys by a label (ServerMetrics' SummarySets and CounterSets), with
     * the form of its keys: server ids for a leader's per-learner sets, a namespace (a path's first
     * component) for the rest. Its members show in monitor only once a key was recorded (as
     * {@code avg_<key>_<name>}, ...), so key-set comparisons take them out of both sides and check
     * them on their own. Coord measures the sets {@code MonitorValues.SUMMARY_SETS} names.
     */
    public static final Map<String, String> KEYED_SETS = Map.of("ack_latency", "\\d+",
            "learner_handler_qp_size", "\\d+", "learner_handler_qp_time_ms", "\\d+",
            "write_per_namespace", ".+", "read_per_namespace", ".+", "quota_exceeded_error_per_namespace", ".+");

    private ZooKeeperMetricGaps() {
    }

    private static Map<String, List<String>> cannotApply() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("ZooKeeper's CommitProcessor (a worker pool with per-session queues between commit and reply); Coord"
                + " applies committed txns and answers on its one request thread, in order, with no such queues",
                List.of("requests_not_forwarded_to_commit_processor", "request_commit_queued",
                        "write_commit_proc_req_queued", "read_commit_proc_req_queued", "commit_commit_proc_req_queued",
                        "write_commit_proc_issued", "read_commit_proc_issued",
                        "time_waiting_empty_pool_in_commit_processor_read_ms", "write_batch_time_in_commit_processor",
                        "concurrent_request_processing_in_commit_processor", "read_commitproc_time_ms",
                        "write_commitproc_time_ms", "session_queues_drained", "reads_issued_from_session_queue",
                        "reads_after_write_in_session_queue", "requests_in_session_queue", "pending_session_queue_size",
                        "commit_process_time", "local_write_committed_time_ms", "server_write_committed_time_ms"));
        m.put("ZooKeeper's FollowerRequestProcessor / ObserverRequestProcessor queue; Coord's learner forwards a"
                + " write to the leader from its request thread as the write reaches the head of its connection's"
                + " order, with no queue between", List.of("learner_request_processor_queue_size"));
        m.put("ZooKeeper's leader quits when a voter it waits for turns back to LOOKING (it watches the election's"
                + " notices); Coord's leader does not watch election notices while it waits for its voters' epoch"
                + " acks: it gives up after initLimit", List.of("quit_leading_due_to_disloyal_voter"));
        m.put("ZooKeeper's PrepRequestProcessor thread, its queue and outstanding-changes list; Coord prepares"
                + " txns on the request thread against the tree and the txns in flight, with no queue between",
                List.of("prep_processor_request_queued", "prep_processor_queue_size", "prep_processor_queue_time_ms",
                        "outstanding_changes_queued", "outstanding_changes_removed"));
        m.put("ZooKeeper's serialized-response cache for getData/getChildren; Coord has none",
                List.of("response_packet_cache_hits", "response_packet_cache_misses",
                        "response_packet_get_children_cache_hits", "response_packet_get_children_cache_misses"));
        m.put("ZooKeeper's RequestThrottler (zookeeper.request_throttle_*); Coord bounds requests by back-pressure"
                + " on the connection instead and drops no stale requests",
                List.of("request_throttle_wait_count", "throttled_ops", "stale_requests", "stale_requests_dropped",
                        "stale_replies", "request_throttle_queue_time_ms"));
        m.put("ZooKeeper's connection throttle (BlueThrottle, zookeeper.connection_throttle_*), refused by Coord's"
                + " configuration", List.of("connection_token_deficit", "connection_drop_count"));
        m.put("largeRequestMaxBytes, which Coord takes at its default only (ConfigKeys: no equivalent)",
                List.of("large_requests_rejected"));
        m.put("netty.server.outstandingHandshake.limit, refused by Coord's configuration",
                List.of("tls_handshake_exceeded"));
        m.put("zookeeper.ensembleAuthName, refused by Coord's configuration",
                List.of("ensemble_auth_success", "ensemble_auth_fail", "ensemble_auth_skip"));
        m.put("ZooKeeper's lazy dead-watcher cleaner (WatchManagerOptimized); Coord drops a closed connection's"
                + " watches at once", List.of("dead_watchers_queued", "dead_watchers_cleared",
                        "dead_watchers_cleaner_latency", "add_dead_watcher_stall_time"));
        m.put("ZooKeeper's txn digest (zookeeper.digest.enabled) compared between members; Coord's tree digest"
                + " is its own and is not carried in txns", List.of("digest_mismatches_count"));
        m.put("ZooKeeper's ObserverMaster (observers served by a follower); Coord's observers sync from the leader",
                List.of("om_commit_process_time_ms", "om_proposal_process_time_ms"));
        m.put("ZooKeeper's learner request forwarding shortcut (learner.asyncSending); Coord forwards writes on"
                + " the member link", List.of("skip_learner_request_to_next_processor_count"));
        m.put("ZooKeeper's NettyServerCnxn queued input buffer; Coord's intake reads whole frames",
                List.of("netty_queued_buffer_capacity"));
        m.put("ZooKeeper's NIO connection factory closes connections that send no handshake within its sessionless"
                + " timeout; Coord's client port, like ZooKeeper's Netty factory, has no such timeout (maxClientCnxns"
                + " bounds them)", List.of("sessionless_connections_expired"));
        m.put("ZooKeeper's early drop of TLS connections before their handshake while the server is not running"
                + " (netty.server.earlyDropSecureConnectionHandshakes), refused by Coord's configuration: Coord closes"
                + " a connection to a member that does not serve at its handshake packet",
                List.of("cnxn_closed_without_zk_server_running"));
        m.put("ZooKeeper's learner and learner handler close their quorum socket when a role ends and time it;"
                + " Coord's member links outlive roles (elections run over them), so no such close happens",
                List.of("socket_closing_time"));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, List<String>> notYetMeasured() {
        // Empty: the AdminServer's counters and restore_time (admin.ProcessFigures, shared by the
        // AdminServer and every incarnation of the member) and unrecoverable_error_count (the member's
        // fail-stops its supervisor survived) are measured now.
        return java.util.Collections.emptyMap();
    }

    /** Every base name Coord leaves out, for whichever reason. */
    public static Set<String> baseNames() {
        Set<String> all = new TreeSet<>();
        CANNOT_APPLY.values().forEach(all::addAll);
        NOT_YET_MEASURED.values().forEach(all::addAll);
        return all;
    }

    /**
     * The base names of the ZooKeeper keys {@code mine} lacks, keyed sets' members left out: must
     * equal {@link #baseNames()}, so that every key Coord leaves out is declared above.
     */
    public static Set<String> missingBaseNames(Set<String> zooKeeperKeys, Set<String> mine) {
        Set<String> missing = new TreeSet<>();
        for (String k : zooKeeperKeys) {
            if (!mine.contains(k)) {
                String base = baseName(k, zooKeeperKeys);
                if (keyedSet(base) == null) {
                    missing.add(base);
                }
            }
        }
        return missing;
    }

    /** The keyed set {@code base} (a base name, see {@link #baseName}) is a member of, as {@code <key>_<set>}; else null. */
    public static String keyedSet(String base) {
        for (Map.Entry<String, String> e : KEYED_SETS.entrySet()) {
            String set = e.getKey();
            if (base.endsWith("_" + set)
                    && base.substring(0, base.length() - set.length() - 1).matches(e.getValue())) {
                return set;
            }
        }
        return null;
    }

    /** The base name of a monitor key: the summary's name for avg_x, p99_x and so on (when x is a summary). */
    public static String baseName(String monitorKey, Set<String> allMonitorKeys) {
        int cut = monitorKey.indexOf('_');
        if (cut > 0 && Set.of("avg", "min", "max", "cnt", "sum", "p50", "p95", "p99", "p999")
                .contains(monitorKey.substring(0, cut))) {
            String base = monitorKey.substring(cut + 1);
            if (allMonitorKeys.contains("cnt_" + base) && allMonitorKeys.contains("sum_" + base)) {
                return base;
            }
        }
        return monitorKey;
    }
}
