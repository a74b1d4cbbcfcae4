package io.coord.server.config;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one immutable, validated configuration of a server, parsed from zoo.cfg keys by
 * {@link ConfigParser}. Every component takes what it needs from here; nothing reads system
 * properties or files on its own (the one system property, {@value #TRANSPORT_PROPERTY}, is read
 * here, as the default of {@code nettyTransport}).
 *
 * @param tickTimeMs           the basic time unit; session timeouts and ensemble limits are multiples
 * @param dataDir              snapshots, epochs and myid
 * @param dataLogDir           transaction log segments (defaults to dataDir)
 * @param clientAddress        where plaintext clients connect; port 0 picks a free port (tests); null
 *                             when only the secure port ({@code tls.secureAddress()}) is open
 * @param minSessionTimeoutMs  lower clamp of negotiated session timeouts (default 2 × tick)
 * @param maxSessionTimeoutMs  upper clamp (default 20 × tick)
 * @param maxClientCnxns       connections allowed per client IP; 0 = unlimited
 * @param maxCnxns             connections allowed in all (ZooKeeper's maxCnxns); 0 = unlimited
 * @param fourLetterWords      whitelisted four-letter words ("*" expands to all)
 * @param snapRetainCount      snapshots (and the log they need) kept by autopurge, at least 3
 * @param purgeIntervalHours   autopurge period; 0 = purge after every snapshot only
 * @param snapCount            transactions between background snapshots
 * @param juteMaxBuffer        largest packet accepted, in bytes
 * @param extendedTypesEnabled TTL nodes allowed (on by default, unlike ZooKeeper)
 * @param containerCheckIntervalMs how often empty containers and expired TTL nodes are looked for
 * @param initLimit            ticks a follower may take to sync with the leader
 * @param syncLimit            ticks a follower may lag before it is dropped
 * @param groupCommitMaxWaitMicros longest a busy log thread waits before a force so that it covers
 *                             more writes ({@link io.coord.server.storage.FlushPacer}); 0 = never waits
 * @param nettyTransport       {@code auto} (epoll where its native library loads, else NIO), {@code epoll} or
 *                             {@code nio}: the Netty transport of the client port and the member links
 * @param myId                 this member's id in an ensemble; 0 standalone
 * @param servers              ensemble members by id; empty standalone
 * @param admin                the AdminServer (admin.*); off unless a zoo.cfg or the builder asks
 * @param metrics              the metrics endpoint (metricsProvider.*); off unless asked
 * @param auth                 the super user and ACL switches (superDigest, skipACL, authProvider.N,
 *                             enforce.auth.*); ZooKeeper's defaults unless asked
 * @param sasl                 client SASL (DIGEST-MD5) users and switches; off unless a JAAS Server section is given
 * @param tls                  TLS on the client port (secureClientPort, ssl.*); {@link TlsConfig#OFF} for none
 * @param quorumTls            TLS between ensemble members (sslQuorum, ssl.quorum.*), or null for none
 * @param quorumSasl           SASL between ensemble members (quorum.auth.*); {@link QuorumSaslConfig#OFF} for none
 * @param readOnlyModeEnabled  {@code readonlymode.enabled}: a member that has lost its quorum serves
 *                             read-only sessions to clients that ask for them (off by default, as ZooKeeper)
 * @param localSessions        {@code localSessionsEnabled}, {@code localSessionsUpgradingEnabled} (off by default)
 * @param configVersion        the membership's version: the dynamicConfigFile's {@code version} line, 0 for
 *                             server.N lines in the static config (as ZooKeeper); /zookeeper/config shows it
 * @param reconfig             reconfigEnabled and the config file to rewrite after a change ({@link Reconfig})
 */
public record ServerConfig(
        int tickTimeMs,
        Path dataDir,
        Path dataLogDir,
        InetSocketAddress clientAddress,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int maxClientCnxns,
        int maxCnxns,
        Set<String> fourLetterWords,
        int snapRetainCount,
        int purgeIntervalHours,
        int snapCount,
        int juteMaxBuffer,
        boolean extendedTypesEnabled,
        int containerCheckIntervalMs,
        int initLimit,
        int syncLimit,
        int groupCommitMaxWaitMicros,
        String nettyTransport,
        long myId,
        Map<Long, ServerAddress> servers,
        AdminConfig admin,
        MetricsConfig metrics,
        AuthConfig auth,
        SaslConfig sasl,
        TlsConfig tls,
        TlsConfig quorumTls,
        QuorumSaslConfig quorumSasl,
        boolean readOnlyModeEnabled,
        LocalSessionsConfig localSessions,
        long configVersion,
        Reconfig reconfig) {

    /**
     * Dynamic reconfiguration: {@code reconfigEnabled} (off by default, as ZooKeeper) and the config
     * file this member was started from (null when built in code): after each committed change the
     * member writes {@code <configFile>.dynamic.<hexVersion>} and points the config file at it, as
     * ZooKeeper 3.5+ does.
     */
    public record Reconfig(boolean enabled, Path configFile) {
        public static final Reconfig OFF = new Reconfig(false, null);
    }

    public static final int DEFAULT_JUTE_MAX_BUFFER = 0xfffff;
    /** The values of {@code nettyTransport}. */
    public static final Set<String> NETTY_TRANSPORTS = Set.of("auto", "epoll", "nio");
    /**
     * The system property that gives {@code nettyTransport} its default when zoo.cfg does not set it
     * (the one place a system property is read: launch scripts and the build's NIO test run use it).
     */
    public static final String TRANSPORT_PROPERTY = "coord.transport";

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(dataLogDir, "dataLogDir");
        Objects.requireNonNull(tls, "tls");
        if (clientAddress == null && tls.secureAddress() == null) {
            throw new ConfigException("clientPort", "is required (or a secureClientPort)");
        }
        fourLetterWords = Set.copyOf(fourLetterWords);
        servers = Map.copyOf(servers);
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(sasl, "sasl");
        Objects.requireNonNull(quorumSasl, "quorumSasl");
        Objects.requireNonNull(localSessions, "localSessions");
        positive("tickTime", tickTimeMs);
        positive("minSessionTimeout", minSessionTimeoutMs);
        positive("snapCount", snapCount);
        positive("jute.maxbuffer", juteMaxBuffer);
        positive("containerCheckIntervalMs", containerCheckIntervalMs);
        positive("initLimit", initLimit);
        positive("syncLimit", syncLimit);
        if (maxSessionTimeoutMs < minSessionTimeoutMs) {
            throw new ConfigException("maxSessionTimeout", "must be >= minSessionTimeout ("
                    + minSessionTimeoutMs + "), was " + maxSessionTimeoutMs);
        }
        if (maxClientCnxns < 0) {
            throw new ConfigException("maxClientCnxns", "must be >= 0, was " + maxClientCnxns);
        }
        if (maxCnxns < 0) {
            throw new ConfigException("maxCnxns", "must be >= 0, was " + maxCnxns);
        }
        if (snapRetainCount < 3) {
            throw new ConfigException("autopurge.snapRetainCount", "must be >= 3, was " + snapRetainCount);
        }
        if (groupCommitMaxWaitMicros < 0 || groupCommitMaxWaitMicros > 1_000_000) {
            throw new ConfigException("groupCommitMaxWaitMicros", "must be 0..1000000, was " + groupCommitMaxWaitMicros);
        }
        if (!NETTY_TRANSPORTS.contains(nettyTransport)) {
            throw new ConfigException("nettyTransport", "must be one of auto, epoll, nio, was '" + nettyTransport + "'");
        }
        if (purgeIntervalHours < 0) {
            throw new ConfigException("autopurge.purgeInterval", "must be >= 0, was " + purgeIntervalHours);
        }
        if (!servers.isEmpty() && !servers.containsKey(myId)) {
            throw new ConfigException("myid", "id " + myId + " is not among the server.N lines " + servers.keySet());
        }
    }

    /** The plaintext client address, or the secure one when only that is open (for status texts). */
    public InetSocketAddress anyClientAddress() {
        return clientAddress != null ? clientAddress : tls.secureAddress();
    }

    public boolean standalone() {
        return servers.isEmpty();
    }

    public boolean fourLetterWordAllowed(String word) {
        return fourLetterWords.contains("*") || fourLetterWords.contains(word);
    }

    /** A standalone configuration with ZooKeeper's defaults, for tests and embedding. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new ConfigException(key, "must be > 0, was " + value);
        }
    }

    /** Mutable builder with ZooKeeper's defaults; {@link #build()} validates. */
    public static final class Builder {
        private int tickTimeMs = 2000;
        private Path dataDir;
        private Path dataLogDir;
        private InetSocketAddress clientAddress = new InetSocketAddress("127.0.0.1", 2181);
        private int minSessionTimeoutMs = -1;
        private int maxSessionTimeoutMs = -1;
        private int maxClientCnxns = 60;
        private int maxCnxns = 0;
        private Set<String> fourLetterWords = Set.of("srvr");
        private int snapRetainCount = 3;
        private int purgeIntervalHours = 0;
        private int snapCount = 100_000;
        private int juteMaxBuffer = DEFAULT_JUTE_MAX_BUFFER;
        private boolean extendedTypesEnabled = true;
        private int containerCheckIntervalMs = 60_000;
        private int initLimit = 10;
        private int syncLimit = 5;
        private int groupCommitMaxWaitMicros = 2_000;
        private String nettyTransport = System.getProperty(TRANSPORT_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        private long myId = 0;
        private Map<Long, ServerAddress> servers = Map.of();
        private AdminConfig admin = AdminConfig.OFF;
        private MetricsConfig metrics = MetricsConfig.OFF;
        private AuthConfig auth = AuthConfig.DEFAULT;
        private SaslConfig sasl = SaslConfig.OFF;
        private TlsConfig tls = TlsConfig.OFF;
        private TlsConfig quorumTls;
        private QuorumSaslConfig quorumSasl = QuorumSaslConfig.OFF;
        private boolean readOnlyModeEnabled;
        private LocalSessionsConfig localSessions = LocalSessionsConfig.OFF;
        private long configVersion;
        private Reconfig reconfig = Reconfig.OFF;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder tickTimeMs(int v) { tickTimeMs = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder dataLogDir(Path v) { dataLogDir = v; return this; }
        public Builder clientAddress(InetSocketAddress v) { clientAddress = v; return this; }
        /** Loopback on the given port; 0 picks a free one. */
        public Builder clientPort(int port) { clientAddress = new InetSocketAddress("127.0.0.1", port); return this; }
        public Builder minSessionTimeoutMs(int v) { minSessionTimeoutMs = v; return this; }
        public Builder maxSessionTimeoutMs(int v) { maxSessionTimeoutMs = v; return this; }
        public Builder maxClientCnxns(int v) { maxClientCnxns = v; return this; }
        public Builder maxCnxns(int v) { maxCnxns = v; return this; }
        public Builder fourLetterWords(Set<String> v) { fourLetterWords = v; return this; }
        public Builder snapRetainCount(int v) { snapRetainCount = v; return this; }
        public Builder purgeIntervalHours(int v) { purgeIntervalHours = v; return this; }
        public Builder snapCount(int v) { snapCount = v; return this; }
        public Builder juteMaxBuffer(int v) { juteMaxBuffer = v; return this; }
        public Builder extendedTypesEnabled(boolean v) { extendedTypesEnabled = v; return this; }
        public Builder containerCheckIntervalMs(int v) { containerCheckIntervalMs = v; return this; }
        public Builder initLimit(int v) { initLimit = v; return this; }
        public Builder syncLimit(int v) { syncLimit = v; return this; }
        public Builder groupCommitMaxWaitMicros(int v) { groupCommitMaxWaitMicros = v; return this; }
        public Builder nettyTransport(String v) { nettyTransport = v.trim().toLowerCase(Locale.ROOT); return this; }
        public Builder myId(long v) { myId = v; return this; }
        public Builder servers(Map<Long, ServerAddress> v) { servers = v; return this; }
        public Builder admin(AdminConfig v) { admin = v; return this; }
        public Builder metrics(MetricsConfig v) { metrics = v; return this; }
        public Builder auth(AuthConfig v) { auth = v; return this; }
        public Builder sasl(SaslConfig v) { sasl = v; return this; }
        public Builder tls(TlsConfig v) { tls = v; return this; }
        public Builder quorumTls(TlsConfig v) { quorumTls = v; return this; }
        public Builder quorumSasl(QuorumSaslConfig v) { quorumSasl = v; return this; }
        public Builder readOnlyModeEnabled(boolean v) { readOnlyModeEnabled = v; return this; }
        public Builder localSessionsEnabled(boolean v) {
            localSessions = new LocalSessionsConfig(v, localSessions.upgradingEnabled());
            return this;
        }
        public Builder localSessionsUpgradingEnabled(boolean v) {
            localSessions = new LocalSessionsConfig(localSessions.enabled(), v);
            return this;
        }
        public Builder configVersion(long v) { configVersion = v; return this; }
        public Builder reconfigEnabled(boolean v) { reconfig = new Reconfig(v, reconfig.configFile()); return this; }
        public Builder configFile(Path v) { reconfig = new Reconfig(reconfig.enabled(), v); return this; }

        public ServerConfig build() {
            int min = minSessionTimeoutMs < 0 ? 2 * tickTimeMs : minSessionTimeoutMs;
            int max = maxSessionTimeoutMs < 0 ? 20 * tickTimeMs : maxSessionTimeoutMs;
            return new ServerConfig(tickTimeMs, dataDir, dataLogDir == null ? dataDir : dataLogDir,
                    clientAddress, min, max, maxClientCnxns, maxCnxns, fourLetterWords, snapRetainCount,
                    purgeIntervalHours, snapCount, juteMaxBuffer, extendedTypesEnabled,
                    containerCheckIntervalMs, initLimit, syncLimit, groupCommitMaxWaitMicros, nettyTransport, myId,
                    servers, admin, metrics, auth, sasl, tls, quorumTls, quorumSasl, readOnlyModeEnabled, localSessions,
                    configVersion, reconfig);
        }
    }
}
