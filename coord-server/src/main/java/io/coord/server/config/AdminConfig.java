package io.coord.server.config;

import java.util.Objects;

/**
 * The AdminServer's zoo.cfg keys ({@code admin.*}), with ZooKeeper's defaults when read from a
 * config file: on, 0.0.0.0:8080, {@code /commands}, 30 s idle timeout.
 *
 * @param enabled       admin.enableServer
 * @param serverAddress admin.serverAddress: the address the HTTP port binds
 * @param serverPort    admin.serverPort; 0 picks a free port (tests)
 * @param commandUrl    admin.commandURL: the path under which commands are served
 * @param idleTimeoutMs admin.idleTimeout: an HTTP connection idle this long is closed
 * @param snapshotEnabled admin.snapshot.enabled: the snapshot command (default true, as ZooKeeper)
 * @param restoreEnabled  admin.restore.enabled: the restore command (default true, as ZooKeeper)
 * @param rateLimiterIntervalMs admin.rateLimiterIntervalInMS: snapshot and restore each run at most once
 *                        per this interval (default 5 minutes, as ZooKeeper; 0 = no limit)
 * @param https         admin.forceHttps/portUnification/needClientAuth with the quorum TLS keys
 */
public record AdminConfig(boolean enabled, String serverAddress, int serverPort, String commandUrl, int idleTimeoutMs,
                          boolean snapshotEnabled, boolean restoreEnabled, long rateLimiterIntervalMs,
                          AdminHttps https) {
    public static final int DEFAULT_PORT = 8080;
    /** ZooKeeper's admin.rateLimiterIntervalInMS default: 5 minutes. */
    public static final long DEFAULT_RATE_LIMITER_INTERVAL_MS = 300_000;
    /** What a zoo.cfg without admin.* keys asks for (ZooKeeper's defaults). */
    public static final AdminConfig ZOOKEEPER_DEFAULT = new AdminConfig(true, "0.0.0.0", DEFAULT_PORT, "/commands", 30_000);
    /** No AdminServer: the default of {@link ServerConfig#builder} (tests and embedding). */
    public static final AdminConfig OFF = new AdminConfig(false, "0.0.0.0", DEFAULT_PORT, "/commands", 30_000);

    public AdminConfig {
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(commandUrl, "commandUrl");
        Objects.requireNonNull(https, "https");
        if (serverPort < 0 || serverPort > 65535) {
            throw new ConfigException("admin.serverPort", "must be 0..65535, was " + serverPort);
        }
        if (!commandUrl.startsWith("/") || commandUrl.length() < 2 || commandUrl.endsWith("/")) {
            throw new ConfigException("admin.commandURL", "must be a path such as /commands, was '" + commandUrl + "'");
        }
        if (idleTimeoutMs <= 0) {
            throw new ConfigException("admin.idleTimeout", "must be > 0 ms, was " + idleTimeoutMs);
        }
        if (rateLimiterIntervalMs < 0) {
            throw new ConfigException("admin.rateLimiterIntervalInMS", "must be >= 0 ms, was " + rateLimiterIntervalMs);
        }
    }

    /** With ZooKeeper's defaults for snapshot and restore (both on, once per 5 minutes). */
    public AdminConfig(boolean enabled, String serverAddress, int serverPort, String commandUrl, int idleTimeoutMs) {
        this(enabled, serverAddress, serverPort, commandUrl, idleTimeoutMs, true, true,
                DEFAULT_RATE_LIMITER_INTERVAL_MS, AdminHttps.OFF);
    }

    /** This config serving HTTPS as {@code https} says (tests). */
    public AdminConfig withHttps(AdminHttps https) {
        return new AdminConfig(enabled, serverAddress, serverPort, commandUrl, idleTimeoutMs, snapshotEnabled,
                restoreEnabled, rateLimiterIntervalMs, https);
    }

    /** This config with the snapshot/restore settings replaced (tests). */
    public AdminConfig withSnapshotRestore(boolean snapshot, boolean restore, long intervalMs) {
        return new AdminConfig(enabled, serverAddress, serverPort, commandUrl, idleTimeoutMs, snapshot, restore,
                intervalMs, https);
    }

    /** An AdminServer on loopback at {@code port} (0: a free one), for tests. */
    public static AdminConfig loopback(int port) {
        return new AdminConfig(true, "127.0.0.1", port, "/commands", 30_000);
    }
}
