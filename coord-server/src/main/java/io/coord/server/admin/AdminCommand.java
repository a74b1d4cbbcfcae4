package io.coord.server.admin;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The AdminServer's commands: ZooKeeper 3.9's names and aliases (GET {@code /commands/<name>}).
 * Commands whose answer needs the server's state read it through {@link StatusSource}.
 */
public enum AdminCommand {
    CONFIGURATION("configuration", "conf", "config"),
    CONNECTION_STAT_RESET("connection_stat_reset", "crst"),
    CONNECTIONS("connections", "cons"),
    DIRS("dirs"),
    DUMP("dump"),
    ENVIRONMENT("environment", "envi", "env"),
    GET_TRACE_MASK("get_trace_mask", "gtmk"),
    HASH("hash"),
    INITIAL_CONFIGURATION("initial_configuration", "icfg"),
    IS_READ_ONLY("is_read_only", "isro"),
    LAST_SNAPSHOT("last_snapshot", "lsnp"),
    LEADER("leader", "lead"),
    MONITOR("monitor", "mntr"),
    OBSERVER_CONNECTION_STAT_RESET("observer_connection_stat_reset", "orst"),
    OBSERVERS("observers", "obsr"),
    RESTORE("restore", "rest"),
    RUOK("ruok"),
    SERVER_STATS("server_stats", "srvr"),
    SNAPSHOT("snapshot", "snap"),
    STAT_RESET("stat_reset", "srst"),
    STATS("stats", "stat"),
    SYSTEM_PROPERTIES("system_properties", "sysp"),
    VOTING_VIEW("voting_view"),
    WATCH_SUMMARY("watch_summary", "wchs"),
    WATCHES("watches", "wchc"),
    WATCHES_BY_PATH("watches_by_path", "wchp"),
    ZABSTATE("zabstate");

    /**
     * Commands answered without the server's state (no trip to the request thread). Not
     * configuration and voting_view: they show addresses from the membership the member goes by now.
     */
    private static final Set<AdminCommand> STATELESS = Set.of(GET_TRACE_MASK, INITIAL_CONFIGURATION,
            RESTORE, RUOK, SNAPSHOT, SYSTEM_PROPERTIES, OBSERVER_CONNECTION_STAT_RESET);

    private final String primaryName;
    private final List<String> names;

    AdminCommand(String primaryName, String... aliases) {
        this.primaryName = primaryName;
        this.names = List.of(aliases);
    }

    /** ZooKeeper's primary name: the {@code command} field of every answer. */
    public String primaryName() {
        return primaryName;
    }

    /** Every name the command answers to, the primary one first. */
    public List<String> names() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(primaryName), names.stream()).toList();
    }

    public boolean needsStatus() {
        return !STATELESS.contains(this);
    }

    /** What the command reads: srst/crst reset the counters; wchc, wchp and hash need the detailed status. */
    public StatusSource.Scope scope() {
        return switch (this) {
            case STAT_RESET, CONNECTION_STAT_RESET -> StatusSource.Scope.RESET_STATS;
            case WATCHES, WATCHES_BY_PATH, HASH -> StatusSource.Scope.DETAILED;
            default -> StatusSource.Scope.SUMMARY;
        };
    }

    public static Optional<AdminCommand> find(String name) {
        for (AdminCommand c : values()) {
            if (c.primaryName.equals(name) || c.names.contains(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
