package io.coord.server.admin;

import java.util.List;

/**
 * The metric names that ZooKeeper's published Prometheus dashboard and alert rules query, as data,
 * so that a test can check that Coord's /metrics has each (or declares why not, in
 * {@link ZooKeeperMetricGaps}). Only the names were taken from the sources cited; PromQL functions,
 * label selectors and Prometheus's own {@code up} are left out.
 */
public final class ZooKeeperDashboards {

    /**
     * Every metric name in the expressions of Grafana dashboard 10465 ("ZooKeeper by Prometheus",
     * the dashboard ZooKeeper's Monitor Guide points to). Read from the copy Canonical ships, which
     * keeps gnetId 10465 and uid SDE76m7Zzz and changes only the label selectors: github
     * canonical/zookeeper-operator, src/grafana_dashboards/zookeeper-metrics.json at commit
     * d39c2667457a30508342b237eb32a044ad9651ca (138 expressions, 132 names).
     */
    public static final List<String> DASHBOARD_10465 = List.of(
            "ack_latency_sum", "add_dead_watcher_stall_time", "approximate_data_size", "avg_latency",
            "bytes_received_count", "close_session_prep_time_sum", "commit_commit_proc_req_queued_sum", "commit_count",
            "commit_process_time_sum", "commit_propagation_latency_sum",
            "concurrent_request_processing_in_commit_processor_sum", "connection_drop_count",
            "connection_drop_probability", "connection_rejected", "connection_request_count",
            "connection_token_deficit_sum", "dbinittime", "dbinittime_count", "dbinittime_sum",
            "dead_watchers_cleaner_latency_sum", "dead_watchers_cleared", "dead_watchers_queued", "diff_count",
            "digest_mismatches_count", "election_time", "election_time_count", "election_time_sum",
            "ensemble_auth_fail", "ensemble_auth_skip", "ensemble_auth_success", "ephemerals_count",
            "follower_sync_time_sum", "fsynctime", "fsynctime_count", "fsynctime_sum", "global_sessions",
            "jvm_classes_loaded", "jvm_gc_collection_seconds_sum", "jvm_memory_pool_bytes_used", "jvm_pause_time_ms_sum",
            "jvm_threads_current", "jvm_threads_deadlocked", "jvm_threads_state", "last_client_response_size",
            "last_proposal_size", "leader_uptime", "learner_commit_received_count", "learner_handler_qp_size_sum",
            "learners", "local_sessions", "local_write_committed_time_ms_sum", "looking_count",
            "max_client_response_size", "max_latency", "max_proposal_size", "min_client_response_size", "min_latency",
            "min_proposal_size", "node_changed_watch_count_sum", "node_children_watch_count_sum",
            "node_created_watch_count_sum", "node_deleted_watch_count_sum", "num_alive_connections",
            "om_commit_process_time_ms_sum", "om_proposal_process_time_ms_sum", "open_file_descriptor_count",
            "outstanding_changes_queued", "outstanding_changes_removed", "outstanding_requests",
            "outstanding_tls_handshake", "packets_received", "packets_sent", "pending_session_queue_size_sum",
            "prep_process_time_sum", "prep_processor_queue_size_sum", "prep_processor_queue_time_ms_sum",
            "prep_processor_request_queued", "propagation_latency_sum", "proposal_ack_creation_latency",
            "proposal_count", "proposal_latency_sum", "quit_leading_due_to_disloyal_voter", "quorum_ack_latency_sum",
            "quorum_size", "read_commit_proc_issued_sum", "read_commit_proc_req_queued_sum",
            "read_commitproc_time_ms_sum", "read_final_proc_time_ms_sum", "read_per_namespace_sum", "readlatency_sum",
            "reads_after_write_in_session_queue_sum", "reads_issued_from_session_queue_sum", "request_commit_queued",
            "requests_in_session_queue_sum", "response_packet_cache_hits", "response_packet_cache_misses",
            "response_packet_get_children_cache_hits", "response_packet_get_children_cache_misses", "revalidate_count",
            "server_write_committed_time_ms_sum", "session_queues_drained_sum", "sessionless_connections_expired",
            "snap_count", "snapshottime_count", "snapshottime_sum", "stale_sessions_expired", "startup_snap_load_time",
            "startup_snap_load_time_count", "startup_snap_load_time_sum", "startup_txns_loaded",
            "startup_txns_loaded_count", "startup_txns_loaded_sum", "sync_process_time_sum",
            "sync_processor_batch_size_sum", "sync_processor_queue_flush_time_ms_sum", "sync_processor_queue_size_sum",
            "sync_processor_request_queued", "synced_non_voting_followers", "synced_observers",
            "time_waiting_empty_pool_in_commit_processor_read_ms_sum", "tls_handshake_exceeded",
            "unrecoverable_error_count", "updatelatency_sum", "uptime", "watch_count",
            "write_batch_time_in_commit_processor_sum", "write_commit_proc_issued_sum",
            "write_commit_proc_req_queued_sum", "write_commitproc_time_ms_sum", "write_final_proc_time_ms_sum",
            "write_per_namespace_sum", "znode_count");

    /**
     * Every metric name in the example alert rules of ZooKeeper's Monitor Guide ("Alerting with
     * Prometheus", rules/zk.yml): github apache/zookeeper, tag release-3.9.5,
     * zookeeper-docs/src/main/resources/markdown/zookeeperMonitor.md. The heap rule reads
     * jvm_memory_bytes_max with {@code area="heap"}.
     */
    public static final List<String> ALERT_RULES = List.of("znode_count", "num_alive_connections",
            "approximate_data_size", "watch_count", "election_time_count", "open_file_descriptor_count",
            "fsynctime_sum", "snapshottime_sum", "avg_latency", "jvm_memory_bytes_used", "jvm_memory_bytes_max");

    private ZooKeeperDashboards() {
    }
}
