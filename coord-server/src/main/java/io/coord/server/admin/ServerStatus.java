package io.coord.server.admin;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * A point-in-time view of the server for four-letter words, gathered on the request thread so
 * that the text is consistent. {@code watchedPathsBySession} is keyed by session id (decimal),
 * {@code sessionsByWatchedPath} lists session ids (decimal); these two and {@code treeDigest} are
 * null unless the status was read with {@link StatusSource.Scope#DETAILED} (the digest makes the
 * tree maintain it on every write from then on). {@code quorum} is null standalone.
 * {@code sessionIdsByExpiryMs}: the session tracker's expiry buckets (a time on the server's clock in
 * ms, to the sessions due then), as the {@code dump} command gives them.
 * {@code groupCommitBatches}, {@code groupCommitOps}, {@code groupCommitBatchMax}: the log writer's
 * forced batches, the ops in them and the largest one; {@code sessionsExpired} and
 * {@code sessionExpiryLagMaxMs}: sessions the tracker expired and how late after its deadline the
 * latest one was (Coord's own figures, {@code coord_*} in monitor). {@code summaries}: ZooKeeper's
 * summaries this server measures, by ZooKeeper's name ({@link MonitorValues#SUMMARIES}); {@code counters}
 * ZooKeeper's counters ({@link MonitorValues#COUNTERS}) and gauges kept with them (a leader's proposal
 * sizes, client response sizes). {@code summarySets}: ZooKeeper's summary sets this server measures,
 * by ZooKeeper's name, each by key ({@code ack_latency} by follower id).
 */
public record ServerStatus(
        String version,
        String mode,
        long zxid,
        long nodeCount,
        long approximateDataSize,
        long packetsReceived,
        long packetsSent,
        int outstandingRequests,
        long minLatencyMs,
        long avgLatencyMs,
        long maxLatencyMs,
        List<ConnectionInfo> connections,
        int watchConnections,
        int watchPaths,
        int watchCount,
        String watchesByConnection,
        String watchesByPath,
        Map<Long, List<String>> ephemeralsBySession,
        int sessionCount,
        long ephemeralsCount,
        String configText,
        long logBytes,
        long snapshotBytes,
        long fsyncCount,
        long maxFsyncMicros,
        long avgFsyncMicros,
        boolean diskFull,
        long diskFullEvents,
        long uptimeMs,
        Long treeDigest,
        SortedMap<String, SortedSet<String>> watchedPathsBySession,
        SortedMap<String, SortedSet<String>> sessionsByWatchedPath,
        QuorumStatus quorum,
        double avgLatencyMsExact,
        SortedMap<Long, List<Long>> sessionIdsByExpiryMs,
        long groupCommitBatches,
        long groupCommitOps,
        long groupCommitBatchMax,
        long sessionsExpired,
        long sessionExpiryLagMaxMs,
        Map<String, MetricSummary> summaries,
        Map<String, Long> counters,
        Map<String, SortedMap<String, MetricSummary>> summarySets) {

    /** The mode of a member in read-only mode (readonlymode.enabled, quorum lost): ZooKeeper's server state. */
    public static final String READ_ONLY_MODE = "read-only";
    /** The mode of a member that serves no clients (looking for, or syncing with, a leader). */
    public static final String LOOKING_MODE = "looking";

    /** True in read-only mode ({@code isro} says {@code ro}). */
    public boolean readOnly() {
        return READ_ONLY_MODE.equals(mode);
    }

    /** One client connection as {@code cons} lists it. */
    public record ConnectionInfo(String remote, long sessionId, int timeoutMs, long received,
                                 long sent, int outstanding, long lastZxid) {
    }
}
