package io.coord.server.config;

import io.coord.server.config.ConfigKeys.Rule;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads zoo.cfg-style files into a {@link ServerConfig}. Every key is first checked against
 * {@link ConfigKeys}: a documented ZooKeeper key Coord cannot honour is refused naming it, an
 * unknown key warns; then the honoured keys are read. Bad values throw.
 */
public final class ConfigParser {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigParser.class);
    /** Every four-letter word the server knows; "*" in the whitelist expands to these. */
    public static final Set<String> ALL_FOUR_LETTER_WORDS = Set.of("ruok", "srvr", "stat", "mntr",
            "conf", "cons", "envi", "dump", "wchs", "wchc", "wchp", "dirs", "isro", "crst", "srst", "hash");

    /**
     * Read-only mode for a member that has lost its quorum. ZooKeeper reads it only as a JVM system
     * property of this name; Coord reads it from the config file (see {@link #refuseJvmProperties}).
     */
    public static final String READ_ONLY_MODE = "readonlymode.enabled";

    private ConfigParser() {
    }

    /**
     * Refuses a JVM system property ZooKeeper reads that Coord takes from the config file instead,
     * unless the config says the same: an operator who starts Coord as ZooKeeper
     * ({@code -Dreadonlymode.enabled=true}) must not silently get a server without that mode.
     */
    public static void refuseJvmProperties(Properties system, ServerConfig config) {
        String readOnly = system.getProperty(READ_ONLY_MODE);
        if (readOnly != null && Boolean.parseBoolean(readOnly.trim()) != config.readOnlyModeEnabled()) {
            throw new ConfigException(READ_ONLY_MODE, "is set to '" + readOnly.trim() + "' as a JVM system property,"
                    + " which Coord does not read (ZooKeeper does); set " + READ_ONLY_MODE + "=" + readOnly.trim()
                    + " in the config file instead");
        }
    }

    public static ServerConfig load(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        }
        return parse(props, warning -> LOG.warn("{}", warning), file.toAbsolutePath());
    }

    /** Relative dataDir/dataLogDir resolve against the working directory, as in ZooKeeper. */
    public static ServerConfig parse(Properties props) {
        return parse(props, warning -> LOG.warn("{}", warning));
    }

    /** As {@link #parse(Properties)}, handing each warning (an ignored key or word) to {@code warnings}. */
    public static ServerConfig parse(Properties props, Consumer<String> warnings) {
        return parse(props, warnings, null);
    }

    /**
     * As {@link #parse(Properties, Consumer)}, for a config read from {@code configFile} (null: none),
     * which a member rewrites after a committed reconfig (ZooKeeper's editStaticConfig).
     */
    public static ServerConfig parse(Properties props, Consumer<String> warnings, Path configFile) {
        checkKeys(props, warnings);
        ServerConfig.Builder b = ServerConfig.builder(null);
        b.configFile(configFile);
        b.auth(AuthKeys.parse(props));
        b.sasl(SaslConfig.load(props, System.getProperties()));
        b.quorumSasl(QuorumSaslConfig.load(props, System.getProperties()));
        for (String key : props.stringPropertyNames()) {
            readHonoured(b, key, props.getProperty(key).trim(), warnings);
        }
        TlsConfig tls = TlsKeys.parse(props, warnings);
        AdminHttps adminHttps = adminHttps(props);
        b.tls(tls).quorumTls(TlsKeys.parseQuorum(props, adminHttps.enabled()));
        String dataDir = props.getProperty("dataDir");
        if (dataDir == null || dataDir.isBlank()) {
            throw new ConfigException("dataDir", "is required");
        }
        ServerLines.Membership membership = ServerLines.membership(props);
        Map<Long, ServerAddress> servers = membership.servers();
        boolean standaloneEnabled = ConfigValues.parseBool("standaloneEnabled",
                props.getProperty("standaloneEnabled", "true"));
        if (servers.isEmpty()) {
            if (!standaloneEnabled) {
                // ZooKeeper refuses this too: no member to form a quorum with.
                throw new ConfigException("standaloneEnabled", "is false, but no server.N line (in the config"
                        + " or its dynamicConfigFile) names an ensemble member");
            }
            checkPeerType(props.getProperty("peerType"), null);
            b.clientAddress(clientAddress(props, null, tls));
            return b.admin(admin(props, adminHttps)).metrics(metrics(props)).build();
        }
        // A single server.N line runs as a one-member ensemble (leader of itself), whatever
        // standaloneEnabled says: never standalone once a server.N line exists.
        long myId = readMyId(Path.of(dataDir.trim()));
        b.servers(servers).myId(myId).configVersion(membership.version());
        ServerAddress me = servers.get(myId);
        if (me == null) {
            // ZooKeeper 3.9.5 refuses to start too ("My id N not in the peer list"): typically a member a
            // reconfig removed, started again from the zoo.cfg and dynamic file it rewrote then.
            throw new ConfigException("myid", "id " + myId + " is not in the peer list (server.N lines "
                    + servers.keySet() + "); if a reconfig removed this member, start it as a joiner: the current"
                    + " members' lines plus its own (with a client address), then reconfig -add it");
        }
        checkPeerType(props.getProperty("peerType"), me);
        b.clientAddress(clientAddress(props, me, tls));
        return b.admin(admin(props, adminHttps)).metrics(metrics(props)).build();
    }

    /**
     * peerType (participant or observer) must say what this member's server.N line says: the line is
     * what every other member goes by, so a member that disagreed with it would be counted in quorums
     * it does not vote in (or the reverse). ZooKeeper warns and follows the line; Coord refuses.
     */
    private static void checkPeerType(String value, ServerAddress me) {
        if (value == null) {
            return;
        }
        String type = value.trim().toLowerCase(Locale.ROOT);
        if (!type.equals("participant") && !type.equals("observer")) {
            throw new ConfigException("peerType", "must be participant or observer, was '" + value.trim() + "'");
        }
        if (me == null) {
            if (type.equals("observer")) {
                throw new ConfigException("peerType", "is observer, but there is no ensemble (no server.N line)");
            }
            return;
        }
        String role = me.observer() ? "observer" : "participant";
        if (!role.equals(type)) {
            throw new ConfigException("peerType", "is " + type + ", but server." + me.id()
                    + (me.observer() ? " is an " : " is a ") + role
                    + " (end the server.N line with :observer for an observer)");
        }
    }

    /** admin.* with ZooKeeper's defaults: a zoo.cfg that says nothing gets an AdminServer on 8080. */
    private static AdminConfig admin(Properties props, AdminHttps https) {
        AdminConfig d = AdminConfig.ZOOKEEPER_DEFAULT;
        return new AdminConfig(
                ConfigValues.parseBool("admin.enableServer", props.getProperty("admin.enableServer", "true")),
                props.getProperty("admin.serverAddress", d.serverAddress()).trim(),
                ConfigValues.parseInt("admin.serverPort", props.getProperty("admin.serverPort", "" + d.serverPort())),
                props.getProperty("admin.commandURL", d.commandUrl()).trim(),
                ConfigValues.parseInt("admin.idleTimeout", props.getProperty("admin.idleTimeout", "" + d.idleTimeoutMs())),
                ConfigValues.parseBool("admin.snapshot.enabled", props.getProperty("admin.snapshot.enabled", "true")),
                ConfigValues.parseBool("admin.restore.enabled", props.getProperty("admin.restore.enabled", "true")),
                ConfigValues.parseLong("admin.rateLimiterIntervalInMS", props.getProperty("admin.rateLimiterIntervalInMS",
                        "" + AdminConfig.DEFAULT_RATE_LIMITER_INTERVAL_MS)),
                https);
    }

    /**
     * admin.forceHttps, admin.portUnification, admin.needClientAuth (ZooKeeper's defaults: false) and,
     * when HTTPS is asked for, the quorum TLS keys it uses. A disabled AdminServer serves nothing, so
     * its HTTPS switches ask for no keys.
     */
    private static AdminHttps adminHttps(Properties props) {
        if (!ConfigValues.parseBool("admin.enableServer", props.getProperty("admin.enableServer", "true"))) {
            return AdminHttps.OFF;
        }
        boolean force = ConfigValues.parseBool("admin.forceHttps", props.getProperty("admin.forceHttps", "false"));
        boolean unify = ConfigValues.parseBool("admin.portUnification",
                props.getProperty("admin.portUnification", "false"));
        boolean needAuth = ConfigValues.parseBool("admin.needClientAuth",
                props.getProperty("admin.needClientAuth", "false"));
        if (!force && !unify && !needAuth) {
            return AdminHttps.OFF;
        }
        if (needAuth && !force && !unify) {
            return new AdminHttps(false, false, true, null); // refused, naming admin.needClientAuth
        }
        return new AdminHttps(force, unify, needAuth, force || unify ? TlsKeys.parseAdminKeys(props) : null);
    }

    /** metricsProvider.*: Prometheus when className names ZooKeeper's provider; any other class is refused. */
    private static MetricsConfig metrics(Properties props) {
        String className = props.getProperty("metricsProvider.className", MetricsConfig.DEFAULT_PROVIDER).trim();
        boolean prometheus = className.equals(MetricsConfig.PROMETHEUS_PROVIDER);
        if (!prometheus && !className.equals(MetricsConfig.DEFAULT_PROVIDER)) {
            throw new ConfigException("metricsProvider.className", "'" + className + "' is not supported by Coord:"
                    + " only " + MetricsConfig.PROMETHEUS_PROVIDER + " (served by Coord itself) and the default "
                    + MetricsConfig.DEFAULT_PROVIDER + " (no endpoint) are");
        }
        String httpsText = props.getProperty("metricsProvider.httpsPort");
        int httpsPort = MetricsConfig.NO_PORT;
        TlsConfig https = null;
        if (prometheus && httpsText != null) {
            httpsPort = ConfigValues.parseInt("metricsProvider.httpsPort", httpsText.trim());
            https = TlsKeys.parseMetricsKeys(props);
        } else if (prometheus && props.stringPropertyNames().stream().anyMatch(k -> k.startsWith("metricsProvider.ssl."))) {
            // Fail closed: TLS keys without an HTTPS port would leave the metrics in clear text only.
            throw new ConfigException("metricsProvider.httpsPort", "metricsProvider.ssl.* keys are set but"
                    + " metricsProvider.httpsPort is not; refusing rather than serving the metrics over plain HTTP only");
        }
        // With an HTTPS port and no HTTP port, no plain port is opened (ZooKeeper's documented behaviour).
        String httpText = props.getProperty("metricsProvider.httpPort");
        int httpPort = httpText != null ? ConfigValues.parseInt("metricsProvider.httpPort", httpText.trim())
                : https != null ? MetricsConfig.NO_PORT : MetricsConfig.DEFAULT_PORT;
        return new MetricsConfig(prometheus,
                props.getProperty("metricsProvider.httpHost", "0.0.0.0").trim(), httpPort,
                ConfigValues.parseBool("metricsProvider.exportJvmInfo",
                        props.getProperty("metricsProvider.exportJvmInfo", "true")), httpsPort, https);
    }

    /** Refuses a documented key Coord cannot honour; warns about a key ZooKeeper does not document. */
    private static void checkKeys(Properties props, Consumer<String> warnings) {
        boolean adminOff = "false".equalsIgnoreCase(props.getProperty("admin.enableServer", "").trim());
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            String value = props.getProperty(key).trim();
            Rule rule = ConfigKeys.rule(key);
            switch (rule.treatment()) {
                case HONOURED -> { }
                case DEFAULT_ONLY -> {
                    if (!ConfigKeys.acceptsValue(rule, value) && !(adminOff && key.startsWith("admin."))) {
                        throw new ConfigException(key, "value '" + value + "' is not supported by Coord ("
                                + rule.why() + "); only " + new TreeSet<>(rule.accepted()) + " is accepted");
                    }
                }
                case REFUSED -> {
                    // admin.* settings Coord lacks configure a server that is switched off.
                    if (!(adminOff && key.startsWith("admin."))) {
                        throw new ConfigException(key, "is not supported by Coord: " + rule.why());
                    }
                }
                case UNKNOWN -> warnings.accept("unknown config key '" + key + "' ignored (ZooKeeper does not"
                        + " document it; it would set the system property zookeeper." + key + ")");
                default -> throw new IllegalStateException(rule.treatment().name());
            }
        }
    }

    private static void readHonoured(ServerConfig.Builder b, String key, String value, Consumer<String> warnings) {
        switch (key) {
            case "tickTime" -> b.tickTimeMs(ConfigValues.parseInt(key, value));
            case "dataDir" -> b.dataDir(Path.of(value));
            case "dataLogDir" -> b.dataLogDir(Path.of(value));
            case "minSessionTimeout" -> b.minSessionTimeoutMs(ConfigValues.parseInt(key, value));
            case "maxSessionTimeout" -> b.maxSessionTimeoutMs(ConfigValues.parseInt(key, value));
            case "maxClientCnxns" -> b.maxClientCnxns(ConfigValues.parseInt(key, value));
            case "maxCnxns" -> b.maxCnxns(ConfigValues.parseInt(key, value));
            case "4lw.commands.whitelist" -> b.fourLetterWords(parseWhitelist(value, warnings));
            case "autopurge.snapRetainCount" -> b.snapRetainCount(ConfigValues.parseInt(key, value));
            case "autopurge.purgeInterval" -> b.purgeIntervalHours(ConfigValues.parseInt(key, value));
            case "snapCount" -> b.snapCount(ConfigValues.parseInt(key, value));
            case "jute.maxbuffer" -> b.juteMaxBuffer(ConfigValues.parseInt(key, value));
            case "extendedTypesEnabled", "zookeeper.extendedTypesEnabled" ->
                    b.extendedTypesEnabled(ConfigValues.parseBool(key, value));
            case "containerCheckIntervalMs", "znode.container.checkIntervalMs" ->
                    b.containerCheckIntervalMs(ConfigValues.parseInt(key, value));
            case "initLimit" -> b.initLimit(ConfigValues.parseInt(key, value));
            case "syncLimit" -> b.syncLimit(ConfigValues.parseInt(key, value));
            case "groupCommitMaxWaitMicros" -> b.groupCommitMaxWaitMicros(ConfigValues.parseInt(key, value));
            case "nettyTransport" -> b.nettyTransport(value);
            case READ_ONLY_MODE -> b.readOnlyModeEnabled(ConfigValues.parseBool(key, value));
            case "localSessionsEnabled" -> b.localSessionsEnabled(ConfigValues.parseBool(key, value));
            case "localSessionsUpgradingEnabled" -> b.localSessionsUpgradingEnabled(ConfigValues.parseBool(key, value));
            case "reconfigEnabled" -> b.reconfigEnabled(ConfigValues.parseBool(key, value));
            default -> {
                // clientPort(Address), server.N, dynamicConfigFile and standaloneEnabled are read
                // together in parse; other keys were checked by checkKeys.
            }
        }
    }

    /**
     * clientPort/clientPortAddress, or this member's client address from its server.N line (the
     * form a dynamicConfigFile uses). When both are given they must agree, as in ZooKeeper. Null
     * (no plaintext port) when a secureClientPort is set instead.
     */
    private static InetSocketAddress clientAddress(Properties props, ServerAddress me, TlsConfig tls) {
        String portText = props.getProperty("clientPort");
        String host = props.getProperty("clientPortAddress");
        InetSocketAddress fromLine = me == null ? null : me.clientAddress();
        if (portText == null) {
            if (fromLine == null && tls.secureAddress() != null && host == null) {
                return null;
            }
            if (fromLine == null) {
                throw new ConfigException("clientPort", "is required (or a ';clientPort' part on this member's"
                        + " server.N line, or a secureClientPort)");
            }
            if (host != null) {
                throw new ConfigException("clientPortAddress", "is set but clientPort is not");
            }
            return fromLine;
        }
        int port = ConfigValues.parseInt("clientPort", portText);
        if (port < 0 || port > 65535) {
            throw new ConfigException("clientPort", "must be 0..65535, was " + port);
        }
        InetSocketAddress fromKeys = host == null ? new InetSocketAddress(port)
                : new InetSocketAddress(host.trim(), port);
        if (fromLine != null && (fromLine.getPort() != port || (host != null && !sameHost(fromLine, fromKeys)))) {
            throw new ConfigException("clientPort", "clientPort/clientPortAddress (" + fromKeys
                    + ") differ from the client address of server." + me.id() + " (" + fromLine + ")");
        }
        return fromKeys;
    }

    /** A line without an address (all interfaces) agrees with any clientPortAddress. */
    private static boolean sameHost(InetSocketAddress fromLine, InetSocketAddress fromKeys) {
        if (fromLine.getAddress() != null && fromLine.getAddress().isAnyLocalAddress()) {
            return true;
        }
        if (fromLine.getAddress() == null || fromKeys.getAddress() == null) {
            return fromLine.getHostString().equalsIgnoreCase(fromKeys.getHostString());
        }
        return fromLine.getAddress().equals(fromKeys.getAddress());
    }

    private static long readMyId(Path dataDir) {
        Path file = dataDir.resolve("myid");
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            throw new ConfigException("myid", "cannot read a number from " + file + ": " + e.getMessage());
        }
    }

    /**
     * A word Coord does not answer is left out with a warning rather than stopping start-up, as
     * ZooKeeper ignores words it does not know.
     */
    private static Set<String> parseWhitelist(String value, Consumer<String> warnings) {
        Set<String> words = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(w -> {
            if (w.equals("*") || ALL_FOUR_LETTER_WORDS.contains(w)) {
                words.add(w);
            } else {
                warnings.accept("4lw.commands.whitelist: four-letter word '" + w
                        + "' is not implemented by Coord; ignored");
            }
        });
        return words;
    }
}
