package io.coord.server.config;

/**
 * ZooKeeper's local sessions ({@code localSessionsEnabled}, {@code localSessionsUpgradingEnabled};
 * both off by default, as in ZooKeeper). With local sessions a new session lives only on the member
 * its client connected to (no txn); with upgrading, its first ephemeral create makes it a global
 * session first. As in ZooKeeper, a standalone server has only global sessions whatever the keys say
 * ({@link #inEffect}).
 *
 * @param enabled          {@code localSessionsEnabled}
 * @param upgradingEnabled {@code localSessionsUpgradingEnabled}: a local session that creates an
 *                         ephemeral is upgraded instead of refused (EPHEMERALONLOCALSESSION)
 */
public record LocalSessionsConfig(boolean enabled, boolean upgradingEnabled) {
    public static final LocalSessionsConfig OFF = new LocalSessionsConfig(false, false);

    /**
     * Whether a member of this configuration creates local sessions: only in an ensemble. ZooKeeper's
     * standalone server reads neither key (its sessions are always global), and a Coord standalone
     * server behaves the same, so a zoo.cfg copied from an ensemble keeps its ephemerals working.
     */
    public boolean inEffect(ServerConfig config) {
        return enabled && !config.standalone();
    }
}
