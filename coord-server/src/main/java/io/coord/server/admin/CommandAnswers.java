package io.coord.server.admin;

import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.admin.ServerStatus.ConnectionInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The JSON bodies of the AdminServer's commands, with ZooKeeper 3.9's field names (its
 * JsonOutputter writes {@code CommandResponse.toMap()} in snake case). Every answer carries
 * {@code command} and {@code error} (null on success), as ZooKeeper's do. A field ZooKeeper has
 * and Coord does not measure is left out, never filled with a made-up value.
 */
public final class CommandAnswers {
    private final ServerConfig config;
    private final String initialConfiguration;
    private final SnapshotInfo snapshots;
    /** Member addresses from the configuration the member goes by now (after any reconfig). */
    private final MemberAddresses addresses;

    /** The newest snapshot, for last_snapshot. */
    public interface SnapshotInfo {
        /** {zxid, seconds since the epoch it was written}, or null when there is none yet. */
        long[] newest() throws IOException;
    }

    /** @param initialConfiguration the config file's text as read at start-up ("" when built in code) */
    public CommandAnswers(ServerConfig config, String initialConfiguration, SnapshotInfo snapshots) {
        this.config = config;
        this.initialConfiguration = initialConfiguration;
        this.snapshots = snapshots;
        this.addresses = new MemberAddresses(config);
    }

    /** An error answer: {@code {"command": ..., "error": ...}}. */
    public static Map<String, Object> error(String command, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("error", error);
        return m;
    }

    /** The answer to {@code c}; {@code s} is null for commands that do not need the server's state. */
    public Map<String, Object> answer(AdminCommand c, ServerStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        String error = fill(c, s, m);
        m.put("command", c.primaryName());
        m.put("error", error);
        return m;
    }

    private String fill(AdminCommand c, ServerStatus s, Map<String, Object> m) {
        switch (c) {
            // orst: Coord keeps no per-observer connection figures, so there is nothing to reset.
            case RUOK, STAT_RESET, CONNECTION_STAT_RESET, OBSERVER_CONNECTION_STAT_RESET -> { }
            case DUMP -> {
                Map<String, Object> expiry = new LinkedHashMap<>();
                s.sessionIdsByExpiryMs().forEach((ms, ids) -> expiry.put(Long.toString(ms), ids));
                m.put("expiry_time_to_session_ids", expiry);
                Map<String, Object> ephemerals = new LinkedHashMap<>();
                s.ephemeralsBySession().forEach((id, paths) -> ephemerals.put(Long.toString(id), paths));
                m.put("session_id_to_ephemeral_paths", ephemerals);
            }
            case OBSERVERS -> {
                observers(s, m);
            }
            case CONFIGURATION -> configuration(s, m);
            case CONNECTIONS -> {
                m.put("connections", connections(s, false));
                m.put("secure_connections", List.of());
            }
            case DIRS -> {
                m.put("datadir_size", s.snapshotBytes());
                m.put("logdir_size", s.logBytes());
            }
            case ENVIRONMENT -> m.putAll(environment(s.version()));
            case GET_TRACE_MASK -> m.put("tracemask", 0L); // Coord has no request tracing: nothing is traced
            case HASH -> m.put("digests", List.of(digest(s)));
            case INITIAL_CONFIGURATION -> m.put("initial_configuration", initialConfiguration);
            case IS_READ_ONLY -> m.put("read_only", s.readOnly());
            case LAST_SNAPSHOT -> {
                return lastSnapshot(m);
            }
            case LEADER -> {
                return leader(s, m);
            }
            case MONITOR -> m.putAll(MonitorValues.of(s));
            case SERVER_STATS -> serverStats(s, m);
            case STATS -> {
                serverStats(s, m);
                m.put("connections", connections(s, true));
                m.put("secure_connections", List.of());
            }
            case SYSTEM_PROPERTIES -> new TreeMap<>(System.getProperties()).forEach((k, v) -> m.put(k.toString(), v));
            case VOTING_VIEW -> m.put("current_config", votingView(s));
            case WATCH_SUMMARY -> {
                m.put("num_connections", s.watchConnections());
                m.put("num_paths", s.watchPaths());
                m.put("num_total_watches", s.watchCount());
            }
            case WATCHES -> m.put("session_id_to_watched_paths", sessionKeyed(s.watchedPathsBySession()));
            case WATCHES_BY_PATH -> m.put("path_to_session_ids", sessionIds(s.sessionsByWatchedPath()));
            case ZABSTATE -> zabState(s, m);
            case SNAPSHOT, RESTORE -> {
                return "the " + c.primaryName() + " command is not offered by this AdminServer";
            }
            default -> throw new IllegalStateException(c.name());
        }
        return null;
    }

    private void configuration(ServerStatus s, Map<String, Object> m) {
        m.put("client_port", addresses.client(s, -1).getPort());
        m.put("data_dir", config.dataDir().toAbsolutePath().toString());
        m.put("data_log_dir", config.dataLogDir().toAbsolutePath().toString());
        m.put("tick_time", config.tickTimeMs());
        m.put("max_client_cnxns", config.maxClientCnxns());
        m.put("min_session_timeout", config.minSessionTimeoutMs());
        m.put("max_session_timeout", config.maxSessionTimeoutMs());
        m.put("server_id", config.myId());
        m.put("client_port_listen_backlog", -1); // Coord accepts only the default backlog (-1)
    }

    /** ZooKeeper's brief form (stats) or full form (connections), minus what Coord does not track. */
    private static List<Map<String, Object>> connections(ServerStatus s, boolean brief) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConnectionInfo c : s.connections()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("remote_socket_address", "/" + c.remote());
            m.put("outstanding_requests", c.outstanding());
            m.put("packets_received", c.received());
            m.put("packets_sent", c.sent());
            if (!brief) {
                m.put("session_id", c.sessionId());
                m.put("session_timeout", c.timeoutMs());
                m.put("last_zxid", c.lastZxid());
            }
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> environment(String version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zookeeper.version", version);
        m.put("host.name", hostName());
        for (String key : List.of("java.version", "java.vendor", "java.home", "java.class.path", "java.library.path",
                "java.io.tmpdir")) {
            m.put(key, System.getProperty(key, "<NA>"));
        }
        m.put("java.compiler", System.getProperty("java.compiler", "<NA>"));
        for (String key : List.of("os.name", "os.arch", "os.version", "user.name", "user.home", "user.dir")) {
            m.put(key, System.getProperty(key, "<NA>"));
        }
        Runtime rt = Runtime.getRuntime();
        m.put("os.memory.free", rt.freeMemory() / (1024 * 1024) + "MB");
        m.put("os.memory.max", rt.maxMemory() / (1024 * 1024) + "MB");
        m.put("os.memory.total", rt.totalMemory() / (1024 * 1024) + "MB");
        return m;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            return "<NA>";
        }
    }

    /** Coord's digest is its own order-independent tree hash: it compares between Coord members only. */
    private static Map<String, Object> digest(ServerStatus s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("zxid", s.zxid());
        d.put("digest", s.treeDigest());
        return d;
    }

    private String lastSnapshot(Map<String, Object> m) {
        try {
            long[] newest = snapshots.newest();
            if (newest == null) {
                return "no snapshot has been written yet";
            }
            m.put("zxid", newest[0]);
            m.put("timestamp", newest[1]);
            return null;
        } catch (IOException e) {
            return "cannot read the snapshot directory: " + e.getMessage();
        }
    }

    /** As ZooKeeper: the leader lists its synced observers; any other member answers none. */
    private void observers(ServerStatus s, Map<String, Object> m) {
        QuorumStatus q = s.quorum();
        List<Long> ids = q != null && q.leading() ? q.syncedObservers() : List.of();
        List<Map<String, Object>> infos = new ArrayList<>();
        for (long id : ids) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("sid", id);
            ServerAddress a = addresses.members(s).get(id);
            info.put("remote_socket_address", a == null ? null : a.host() + ":" + a.quorumPort());
            info.put("established", true);
            infos.add(info);
        }
        m.put("synced_observers", ids.size());
        m.put("observers", infos);
    }

    private String leader(ServerStatus s, Map<String, Object> m) {
        QuorumStatus q = s.quorum();
        if (q == null) {
            return "server is not initialized"; // ZooKeeper's answer on a standalone server
        }
        if (q.leaderId() < 0) {
            return "this member is looking for a leader";
        }
        m.put("is_leader", q.leaderId() == q.myId());
        m.put("leader_id", q.leaderId());
        ServerAddress leader = addresses.members(s).get(q.leaderId());
        m.put("leader_ip", leader == null ? null : leader.host());
        return null;
    }

    private void serverStats(ServerStatus s, Map<String, Object> m) {
        m.put("version", s.version());
        m.put("read_only", s.readOnly());
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("packets_sent", s.packetsSent());
        st.put("packets_received", s.packetsReceived());
        st.put("data_dir_size", s.snapshotBytes());
        st.put("log_dir_size", s.logBytes());
        st.put("last_processed_zxid", s.zxid());
        st.put("outstanding_requests", s.outstandingRequests());
        st.put("server_state", s.mode());
        st.put("avg_latency", s.avgLatencyMsExact());
        st.put("max_latency", s.maxLatencyMs());
        st.put("min_latency", s.minLatencyMs());
        st.put("num_alive_client_connections", s.connections().size());
        st.put("uptime", s.uptimeMs());
        st.put("auth_failed_count", s.counters().getOrDefault("auth_failed_count", 0L));
        Map<String, Object> responses = clientResponse(s);
        st.put("client_response_stats", responses);
        m.put("server_stats", st);
        m.put("client_response", responses);
        m.put("node_count", s.nodeCount());
    }

    /** The sizes of the replies sent to clients as ZooKeeper's BufferStats gives them (-1 before the first). */
    private static Map<String, Object> clientResponse(ServerStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String which : List.of("last", "min", "max")) {
            m.put(which + "_buffer_size", s.counters().getOrDefault(which + "_client_response_size", -1L));
        }
        return m;
    }

    private Map<String, Object> votingView(ServerStatus s) {
        Map<String, Object> view = new LinkedHashMap<>();
        addresses.members(s).values().stream().filter(a -> !a.observer()).sorted((a, b) -> Long.compare(a.id(), b.id()))
                .forEach(a -> {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("server_addresses", List.of(a.host() + ":" + a.quorumPort()));
                    v.put("election_addresses", List.of(a.host() + ":" + a.electionPort()));
                    v.put("client_address", a.clientAddress() == null ? null
                            : a.clientAddress().getHostString() + ":" + a.clientAddress().getPort());
                    v.put("learner_type", "participant");
                    view.put(Long.toString(a.id()), v);
                });
        return view;
    }

    private void zabState(ServerStatus s, Map<String, Object> m) {
        QuorumStatus q = s.quorum();
        if (q == null) {
            m.put("voting", false); // as ZooKeeper on a standalone server
            m.put("zabstate", "");
            return;
        }
        ServerAddress me = addresses.me(s);
        m.put("myid", q.myId());
        m.put("is_leader", q.leading());
        m.put("quorum_address", me.host() + ":" + me.quorumPort());
        m.put("election_address", me.host() + ":" + me.electionPort());
        m.put("client_address", MemberAddresses.hostPort(addresses.client(s, -1)));
        m.put("voting", !me.observer());
        m.put("last_zxid", "0x" + Long.toHexString(q.lastLoggedZxid()));
        m.put("zab_epoch", q.lastLoggedZxid() >>> 32);
        m.put("zab_counter", q.lastLoggedZxid() & 0xffffffffL);
        m.put("zabstate", q.zabState());
    }

    private static Map<String, Object> sessionKeyed(Map<String, SortedSet<String>> bySession) {
        Map<String, Object> m = new LinkedHashMap<>();
        bySession.forEach((session, paths) -> m.put(session, List.copyOf(paths)));
        return m;
    }

    private static Map<String, Object> sessionIds(Map<String, SortedSet<String>> byPath) {
        Map<String, Object> m = new LinkedHashMap<>();
        byPath.forEach((path, ids) -> m.put(path, ids.stream().map(Long::parseLong).toList()));
        return m;
    }
}
