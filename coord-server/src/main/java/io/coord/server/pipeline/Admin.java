package io.coord.server.pipeline;

import io.coord.server.admin.FourLetterWords;
import io.coord.server.admin.QuorumStatus;
import io.coord.server.admin.StatusSource;
import io.coord.server.admin.ServerStatus;
import io.coord.server.config.ServerConfig;
import io.coord.server.tree.DataTree;
import io.coord.server.watch.WatchCounts;
import io.coord.server.watch.WatchManager;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.function.Supplier;

/** Answers four-letter words from the request thread, where the state is consistent. */
final class Admin {
    static final String VERSION = "3.9.5-coord-0.1.0, built for the ZooKeeper 3.9 protocol";
    private final ServerConfig config;
    private final DataTree tree;
    private final WatchManager<Connection> watches;
    private final Sessions sessions;
    private final OutputGate gate;
    private final ServerStats stats;
    private final Map<ClientChannel, Connection> connections;
    private final StorageInfo storage;
    private final Supplier<String> mode;
    private final Supplier<QuorumStatus> quorum;

    /**
     * {@code mode} names the server's role for srvr/stat/mntr (ensemble: leader, follower, ...;
     * "standalone" for the one voter of a standalone server); {@code quorum} gives an ensemble
     * member's view of the quorum (null standalone, as ZooKeeper's standalone server has none).
     */
    Admin(ServerConfig config, DataTree tree, WatchManager<Connection> watches, Sessions sessions,
          OutputGate gate, ServerStats stats, Map<ClientChannel, Connection> connections, StorageInfo storage,
          Supplier<String> mode, Supplier<QuorumStatus> quorum) {
        this.mode = mode;
        this.quorum = quorum;
        this.config = config;
        this.tree = tree;
        this.watches = watches;
        this.sessions = sessions;
        this.gate = gate;
        this.stats = stats;
        this.connections = connections;
        this.storage = storage;
    }

    void answer(ClientChannel channel, String word) {
        String text;
        if (!config.fourLetterWordAllowed(word)) {
            text = FourLetterWords.notWhitelisted(word);
        } else if (word.equals("hash")) {
            // The tree as applied on this thread, and the zxid of the last txn applied to it.
            text = FourLetterWords.hash(gate.assignedZxid(), tree.digest());
        } else {
            text = FourLetterWords.render(word, status());
            if (word.equals("srst") || word.equals("crst")) {
                stats.reset();
            }
        }
        channel.send((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
        channel.flush();
        channel.close("four-letter word answered");
    }

    ServerStatus status() {
        return status(false);
    }

    private ServerStatus status(boolean detailed) {
        List<ServerStatus.ConnectionInfo> conns = new ArrayList<>();
        int outstanding = 0;
        for (Connection c : connections.values()) {
            outstanding += c.queued();
            conns.add(new ServerStatus.ConnectionInfo(c.channel.describe(), c.sessionId, c.timeoutMs,
                    c.received, c.sent, c.queued(), c.lastZxid));
        }
        WatchCounts wc = watches.counts();
        QuorumStatus q = quorum.get();
        Map<Long, List<String>> ephemerals = new LinkedHashMap<>();
        long ephemeralCount = 0;
        for (long id : tree.sessionsWithEphemerals()) {
            List<String> paths = new ArrayList<>(tree.ephemerals(id));
            ephemeralCount += paths.size();
            ephemerals.put(id, paths);
        }
        return new ServerStatus(VERSION, mode.get(), gate.assignedZxid(),
                tree.nodeCount(), tree.approximateDataSize(), stats.packetsReceived, sentPackets(),
                outstanding, stats.minLatencyMs(), stats.avgLatencyMs(), stats.maxLatencyMs(), conns,
                wc.watchers(), wc.paths(), (int) wc.watches(),
                render(watches.pathsByWatcher(Connection::toString)),
                render(watches.watchersByPath(Connection::toString)),
                ephemerals, sessions.tracker().size(), ephemeralCount, configText(),
                storage.logBytes(), storage.snapshotBytes(), storage.fsyncCount(),
                storage.maxFsyncMicros(), storage.avgFsyncMicros(), storage.diskFull(), storage.diskFullEvents(),
                stats.uptimeMs(), detailed ? tree.digest() : null,
                detailed ? watches.pathsByWatcher(c -> Long.toString(c.sessionId)) : null,
                detailed ? watches.watchersByPath(c -> Long.toString(c.sessionId)) : null, q,
                stats.avgLatencyMsExact(), sessions.tracker().expiryBuckets(), storage.groupCommitBatches(),
                storage.groupCommitOps(), storage.groupCommitBatchMax(), sessions.tracker().expiredCount(),
                sessions.tracker().expiryLagMaxMs(), summaries(),
                counters(q != null && q.leading()), summarySets());
    }

    /** ZooKeeper's counters Coord counts, leader_uptime while this member leads, local_sessions (a gauge). */
    private Map<String, Long> counters(boolean leading) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("looking_count", stats.roles.lookingCount());
        m.put("local_sessions", (long) sessions.localSessionCount());
        m.put("connection_revalidate_count", sessions.reconnects());
        // ZooKeeper's session tracker counts each session it expires as stale_sessions_expired.
        m.put("stale_sessions_expired", sessions.tracker().expiredCount());
        long leaderUptimeMs = stats.roles.leaderUptimeMs(stats.nowNanos());
        if (leaderUptimeMs >= 0) {
            m.put("leader_uptime", leaderUptimeMs);
        }
        stats.putCounters(m, leading);
        storage.putProcessCounters(m);
        return m;
    }

    private Map<String, io.coord.server.admin.MetricSummary> summaries() {
        Map<String, io.coord.server.admin.MetricSummary> all = new LinkedHashMap<>(storage.summaries());
        all.putAll(stats.summaries());
        return all;
    }

    private Map<String, SortedMap<String, io.coord.server.admin.MetricSummary>> summarySets() {
        Map<String, SortedMap<String, io.coord.server.admin.MetricSummary>> m = new LinkedHashMap<>();
        stats.quorum.putSummarySets(m);
        putNonEmpty(m, "write_per_namespace", stats.writesPerNamespace.snapshot());
        putNonEmpty(m, "read_per_namespace", stats.readsPerNamespace.snapshot());
        return m;
    }

    private static <V> void putNonEmpty(Map<String, SortedMap<String, V>> into, String name, SortedMap<String, V> set) {
        if (!set.isEmpty()) {
            into.put(name, set);
        }
    }

    /** The status for the AdminServer and metrics; counters reset afterwards when asked (srst, crst). */
    void inspect(java.util.concurrent.CompletableFuture<ServerStatus> result, StatusSource.Scope scope) {
        try {
            result.complete(status(scope == StatusSource.Scope.DETAILED));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        if (scope == StatusSource.Scope.RESET_STATS) {
            stats.reset();
        }
    }

    private long sentPackets() {
        long sent = 0;
        for (Connection c : connections.values()) {
            sent += c.sent;
        }
        return sent;
    }

    private static String render(SortedMap<String, SortedSet<String>> map) {
        StringBuilder sb = new StringBuilder();
        map.forEach((k, vs) -> {
            sb.append(k).append('\n');
            vs.forEach(v -> sb.append('\t').append(v).append('\n'));
        });
        return sb.toString();
    }

    private String configText() {
        InetSocketAddress secure = config.tls().secureAddress();
        return (config.clientAddress() == null ? "" : "clientPort=" + config.clientAddress().getPort() + "\n"
                + "clientPortAddress=" + config.clientAddress().getAddress().getHostAddress() + "\n")
                + (secure == null ? "" : "secureClientPort=" + secure.getPort() + "\n"
                + "secureClientPortAddress=" + secure.getAddress().getHostAddress() + "\n")
                + "dataDir=" + config.dataDir().toAbsolutePath() + "\n"
                + "dataLogDir=" + config.dataLogDir().toAbsolutePath() + "\n"
                + "tickTime=" + config.tickTimeMs() + "\n"
                + "maxClientCnxns=" + config.maxClientCnxns() + "\n"
                + "minSessionTimeout=" + config.minSessionTimeoutMs() + "\n"
                + "maxSessionTimeout=" + config.maxSessionTimeoutMs() + "\n"
                + "snapCount=" + config.snapCount() + "\n"
                + "serverId=" + config.myId() + "\n";
    }
}
