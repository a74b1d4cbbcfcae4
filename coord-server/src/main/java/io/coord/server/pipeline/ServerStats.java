package io.coord.server.pipeline;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import io.coord.wire.EventType;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters for four-letter words and ZooKeeper's metrics. Request-thread only (read there too,
 * when 4lw are answered), except {@link #bytesReceived}, which the I/O threads add to.
 */
final class ServerStats {
    private final LongSupplier nanos;
    /** When the server started (never reset): zk_uptime. */
    private final long startNanos;
    long packetsReceived;
    /** Auth packets and SASL steps refused (AUTHFAILED), as ZooKeeper's auth_failed_count; srst leaves it. */
    long authFailed;
    private long latencyCount;
    private long latencyTotalNanos;
    private long latencyMinNanos = Long.MAX_VALUE;
    private long latencyMaxNanos;
    /**
     * ZooKeeper's readlatency and updatelatency (ms from arrival to reply; updates are the ops that
     * change state, as ZooKeeper's Request.isQuorum) and the role timings. Not reset by srst:
     * Prometheus takes them as ever-growing summaries.
     */
    private final SummaryRecorder readLatencyMs = new SummaryRecorder(true);
    private final SummaryRecorder updateLatencyMs = new SummaryRecorder(true);
    final RoleTimes roles = new RoleTimes();
    final QuorumFigures quorum = new QuorumFigures();
    /** ZooKeeper's write_per_namespace and read_per_namespace (bytes per op by the path's first component). */
    final NamespaceBytes writesPerNamespace = new NamespaceBytes("write_per_namespace");
    final NamespaceBytes readsPerNamespace = new NamespaceBytes("read_per_namespace");
    /** Storage ops handed to the log thread (ZooKeeper's sync_processor_request_queued). */
    long storageOpsQueued;
    /** Handshakes taken (ZooKeeper's connection_request_count). */
    long connectionRequests;
    /** Bytes of the replies to requests and of the watch events sent (no length prefix): response_bytes, watch_bytes. */
    long responseBytes;
    long watchBytes;
    /** Bytes of client packets read, length prefix included, as ZooKeeper's bytes_received_count (I/O threads). */
    final LongAdder bytesReceived = new LongAdder();
    /** Client connections' events before their handshake, by ordinal (I/O threads). */
    private final LongAdder[] connectionEvents = new LongAdder[RequestSink.ConnectionEvent.values().length];
    /**
     * Sizes of the replies and watch events sent to clients (header and body, not the length
     * prefix), as ZooKeeper's ServerStats.clientResponseStats: -1 until the first; srst resets them.
     */
    private int lastResponseBytes = -1;
    private int minResponseBytes = -1;
    private int maxResponseBytes = -1;
    /** Watchers one event fired, by the event's type (ZooKeeper's node_*_watch_count); events that fire none are not recorded. */
    private final SummaryRecorder createdWatchers = new SummaryRecorder(false);
    private final SummaryRecorder deletedWatchers = new SummaryRecorder(false);
    private final SummaryRecorder changedWatchers = new SummaryRecorder(false);
    private final SummaryRecorder childrenWatchers = new SummaryRecorder(false);
    /** ms to answer a non-write here, and to apply a committed txn and answer it (ZooKeeper's final processor times). */
    private final SummaryRecorder readFinalMs = new SummaryRecorder(true);
    private final SummaryRecorder writeFinalMs = new SummaryRecorder(true);

    /** @param nanos the clock requests' arrival stamps come from */
    ServerStats(LongSupplier nanos) {
        java.util.Arrays.setAll(connectionEvents, i -> new LongAdder());
        this.nanos = nanos;
        this.startNanos = nanos.getAsLong();
    }

    long uptimeMs() {
        return (nanos.getAsLong() - startNanos) / 1_000_000;
    }

    void recordLatency(long arrivalNanos, int opCode) {
        long nanos = this.nanos.getAsLong() - arrivalNanos;
        (EnsembleClients.isWrite(opCode) ? updateLatencyMs : readLatencyMs).record(nanos / 1e6);
        latencyCount++;
        latencyTotalNanos += nanos;
        latencyMinNanos = Math.min(latencyMinNanos, nanos);
        latencyMaxNanos = Math.max(latencyMaxNanos, nanos);
    }

    void connectionEvent(RequestSink.ConnectionEvent event) {
        connectionEvents[event.ordinal()].increment();
    }

    private long events(RequestSink.ConnectionEvent event) {
        return connectionEvents[event.ordinal()].sum();
    }

    /** A reply or watch event of {@code frameBytes} (length prefix included) went to a client. */
    void responseSent(int frameBytes) {
        int bytes = frameBytes - Integer.BYTES;
        lastResponseBytes = bytes;
        minResponseBytes = minResponseBytes < 0 ? bytes : Math.min(minResponseBytes, bytes);
        maxResponseBytes = Math.max(maxResponseBytes, bytes);
    }

    void readProcessed(long startedNanos) {
        readFinalMs.record((nanos.getAsLong() - startedNanos) / 1e6);
    }

    void writeProcessed(long startedNanos) {
        writeFinalMs.record((nanos.getAsLong() - startedNanos) / 1e6);
    }

    /**
     * The bytes a committed txn wrote, by namespace, as ZooKeeper's DataTree counts them: the path
     * and data of a create or setData, the path of a delete (a session's ephemerals included).
     */
    void written(io.coord.server.txn.Txn txn) {
        if (txn instanceof io.coord.server.txn.Txn.CreateTxn c) {
            writesPerNamespace.record(c.path(), c.path().length() + (c.data() == null ? 0 : c.data().length));
        } else if (txn instanceof io.coord.server.txn.Txn.SetDataTxn d) {
            writesPerNamespace.record(d.path(), d.path().length() + (d.data() == null ? 0 : d.data().length));
        } else if (txn instanceof io.coord.server.txn.Txn.DeleteTxn d) {
            writesPerNamespace.record(d.path(), d.path().length());
        } else if (txn instanceof io.coord.server.txn.Txn.CloseSessionTxn c) {
            for (String path : c.ephemeralPaths()) {
                writesPerNamespace.record(path, path.length());
            }
        } else if (txn instanceof io.coord.server.txn.Txn.MultiTxn m) {
            for (io.coord.server.txn.Txn t : m.txns()) {
                written(t);
            }
        }
    }

    /** An event of {@code eventType} (EventType code) fired {@code watchers} watches. */
    void watchesFired(int eventType, int watchers) {
        if (watchers == 0) {
            return;
        }
        SummaryRecorder r = switch (eventType) {
            case EventType.NODE_CREATED -> createdWatchers;
            case EventType.NODE_DELETED -> deletedWatchers;
            case EventType.NODE_DATA_CHANGED -> changedWatchers;
            case EventType.NODE_CHILDREN_CHANGED -> childrenWatchers;
            default -> null;
        };
        if (r != null) {
            r.record(watchers);
        }
    }

    /** ZooKeeper's counters and gauges counted here, by its names (leader-only ones while leading). */
    void putCounters(Map<String, Long> into, boolean leading) {
        into.put("connection_request_count", connectionRequests);
        into.put("bytes_received_count", bytesReceived.sum());
        into.put("connection_rejected", events(RequestSink.ConnectionEvent.REJECTED));
        long tlsFailed = events(RequestSink.ConnectionEvent.TLS_HANDSHAKE_FAILED);
        into.put("unsuccessful_handshake", tlsFailed);
        into.put("outstanding_tls_handshake", Math.max(0, events(RequestSink.ConnectionEvent.TLS_HANDSHAKE_STARTED)
                - events(RequestSink.ConnectionEvent.TLS_HANDSHAKE_DONE) - tlsFailed));
        into.put("non_mtls_local_conn_count", events(RequestSink.ConnectionEvent.PLAINTEXT_LOCAL));
        into.put("non_mtls_remote_conn_count", events(RequestSink.ConnectionEvent.PLAINTEXT_REMOTE));
        // ZooKeeper counts a failed TLS handshake and a refused x509 certificate as failed auth too.
        into.put("auth_failed_count", authFailed + tlsFailed + events(RequestSink.ConnectionEvent.X509_REFUSED));
        into.put("sync_processor_request_queued", storageOpsQueued);
        into.put("response_bytes", responseBytes);
        into.put("watch_bytes", watchBytes);
        into.put("last_client_response_size", (long) lastResponseBytes);
        into.put("min_client_response_size", (long) minResponseBytes);
        into.put("max_client_response_size", (long) maxResponseBytes);
        quorum.putCounters(into);
        if (leading) {
            quorum.putLeaderGauges(into);
        }
    }

    long minLatencyMs() {
        return latencyCount == 0 ? 0 : latencyMinNanos / 1_000_000;
    }

    long avgLatencyMs() {
        return latencyCount == 0 ? 0 : latencyTotalNanos / latencyCount / 1_000_000;
    }

    /** The mean with its fraction, as ZooKeeper's monitor reports avg_latency (sub-ms latencies are common). */
    double avgLatencyMsExact() {
        return latencyCount == 0 ? 0 : latencyTotalNanos / (double) latencyCount / 1_000_000;
    }

    long maxLatencyMs() {
        return latencyMaxNanos / 1_000_000;
    }

    long nowNanos() {
        return nanos.getAsLong();
    }

    /** ZooKeeper's summaries counted here, by ZooKeeper's name. */
    Map<String, MetricSummary> summaries() {
        Map<String, MetricSummary> m = new java.util.HashMap<>();
        m.put("readlatency", readLatencyMs.snapshot());
        m.put("updatelatency", updateLatencyMs.snapshot());
        roles.putSummaries(m);
        quorum.putSummaries(m);
        m.put("node_created_watch_count", createdWatchers.snapshot());
        m.put("node_deleted_watch_count", deletedWatchers.snapshot());
        m.put("node_changed_watch_count", changedWatchers.snapshot());
        m.put("node_children_watch_count", childrenWatchers.snapshot());
        m.put("read_final_proc_time_ms", readFinalMs.snapshot());
        m.put("write_final_proc_time_ms", writeFinalMs.snapshot());
        return m;
    }

    void reset() {
        packetsReceived = 0;
        latencyCount = 0;
        latencyTotalNanos = 0;
        latencyMinNanos = Long.MAX_VALUE;
        latencyMaxNanos = 0;
        lastResponseBytes = -1;
        minResponseBytes = -1;
        maxResponseBytes = -1;
    }
}
