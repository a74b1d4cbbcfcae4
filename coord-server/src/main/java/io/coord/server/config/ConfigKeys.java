package io.coord.server.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What Coord does with every zoo.cfg key ZooKeeper 3.9's admin guide documents, in one table, so
 * that no documented key is dropped without a word: a key is {@link Treatment#HONOURED honoured},
 * accepted only with a value that asks for ZooKeeper's default behaviour
 * ({@link Treatment#DEFAULT_ONLY}), or {@link Treatment#REFUSED refused} at start-up with a message
 * that names it. Security keys are never accepted with a value that would ask for protection Coord
 * does not give (fail closed). A key not in the table is unknown: ZooKeeper would turn it into the
 * system property {@code zookeeper.<key>}; Coord warns, naming it.
 */
public final class ConfigKeys {

    /** How one key is treated. */
    public enum Treatment { HONOURED, DEFAULT_ONLY, REFUSED, UNKNOWN }

    /**
     * One row: an exact key, or (prefix true) every key starting with {@code key}. For
     * DEFAULT_ONLY, {@code accepted} holds the lower-case values that mean the default; {@code why}
     * says why other values (or the key) cannot be honoured.
     */
    public record Rule(String key, boolean prefix, Treatment treatment, Set<String> accepted, String why) {
    }

    private static final String NO_ADMIN = "Coord's AdminServer does not have this setting";
    private static final String NO_QUORUM_TLS = "a quorum TLS option Coord does not have (it has sslQuorum with"
            + " ssl.quorum.keyStore/trustStore/clientAuth/protocol/enabledProtocols/ciphersuites/hostnameVerification/crl/ocsp,"
            + " sslQuorumReloadCertFiles and portUnification)";
    private static final String NO_SASL = "a SASL option Coord does not have: it has DIGEST-MD5 and Kerberos"
            + " (GSSAPI) for clients and DIGEST-MD5 between members (the keys the README lists); Kerberos between"
            + " members is not supported";
    private static final String NO_OBSERVER_TUNING = "observers are supported, but Coord does not have this"
            + " observer setting: an observer learns from the leader and looks for a new one at once when it"
            + " loses it";
    private static final String NO_EQUIVALENT = "ZooKeeper tuning knob with no equivalent in Coord";

    /** Words that make an unknown key a security setting, refused rather than warned about. */
    private static final List<String> SECURITY_WORDS = List.of("ssl", "tls", "sasl", "auth", "superdigest",
            "superuser", "kerberos", "jaas", "acl", "secure", "x509", "keystore", "truststore", "password");

    private static final Map<String, Rule> EXACT;
    private static final List<Rule> PREFIXES;

    static {
        Table t = new Table();
        t.fill();
        EXACT = Map.copyOf(t.exact);
        PREFIXES = List.copyOf(t.prefixes);
    }

    private ConfigKeys() {
    }

    /** The rule for {@code key}; an exact row wins over a prefix row, a longer prefix over a shorter. */
    public static Rule rule(String key) {
        Rule exact = EXACT.get(key);
        if (exact != null) {
            return exact;
        }
        if (key.startsWith("server.")) {
            return new Rule(key, false, Treatment.HONOURED, Set.of(), "");
        }
        Rule best = null;
        for (Rule r : PREFIXES) {
            if (key.startsWith(r.key()) && (best == null || r.key().length() > best.key().length())) {
                best = r;
            }
        }
        if (best != null) {
            return best;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : SECURITY_WORDS) {
            if (lower.contains(word)) {
                // Fail closed: a security setting Coord does not know must not be dropped with a
                // mere warning (e.g. zookeeper.ssl.keyStore.location written with ZooKeeper's property name).
                return new Rule(key, false, Treatment.REFUSED, Set.of(), "it looks like a security setting"
                        + " (contains '" + word + "') and Coord does not know it; refusing rather than"
                        + " running without it");
            }
        }
        return new Rule(key, false, Treatment.UNKNOWN, Set.of(), "");
    }

    /** True when {@code value} asks for what a DEFAULT_ONLY rule accepts. */
    public static boolean acceptsValue(Rule rule, String value) {
        return rule.accepted().contains(value.trim().toLowerCase(Locale.ROOT));
    }

    /** Every row, for the README and tests. */
    public static List<Rule> rules() {
        List<Rule> all = new ArrayList<>(EXACT.values());
        all.addAll(PREFIXES);
        all.sort((a, b) -> a.key().compareTo(b.key()));
        return all;
    }

    /** Builds the table once, at class initialisation; nothing changes it afterwards. */
    private static final class Table {
        private final Map<String, Rule> exact = new HashMap<>();
        private final List<Rule> prefixes = new ArrayList<>();

        void fill() {
            honoured("tickTime", "dataDir", "dataLogDir", "clientPort", "clientPortAddress",
                "minSessionTimeout", "maxSessionTimeout", "maxClientCnxns", "maxCnxns",
                "4lw.commands.whitelist", "autopurge.snapRetainCount", "autopurge.purgeInterval",
                "snapCount", "jute.maxbuffer", "extendedTypesEnabled", "zookeeper.extendedTypesEnabled",
                "znode.container.checkIntervalMs", "containerCheckIntervalMs", "initLimit", "syncLimit",
                "groupCommitMaxWaitMicros", "nettyTransport", "dynamicConfigFile", "standaloneEnabled", "peerType");
        clusterKeys();
        storageAndTuningKeys();
        securityKeys();
        adminAndMetricsKeys();
    }
        void clusterKeys() {
            honoured("reconfigEnabled");
            defaultOnly("electionAlg", "only fast leader election (3) exists, as in ZooKeeper 3.9", "3");
            defaultOnly("leaderServes", "the leader always serves clients", "yes", "true");
            // readonlymode.enabled: ZooKeeper reads it only as the JVM system property of that name;
            // Coord reads it from the config file and refuses the JVM property (ConfigParser.refuseJvmProperties).
            honoured(ConfigParser.READ_ONLY_MODE);
            // Local sessions: an ensemble member's sessions live on it alone (LocalSessionsConfig; standalone:
            // global sessions whatever the keys say, as ZooKeeper's standalone server).
            honoured("localSessionsEnabled", "localSessionsUpgradingEnabled");
            defaultOnly("quorumListenOnAllIPs", "members listen on the address of their server.N line", "false");
            defaultOnly("syncEnabled", "observers always log the txns they learn to disk, as followers do", "true");
            defaultOnly("multiAddress.enabled", "one address per server.N line", "false");
            defaultOnly("multiAddress.reachabilityCheckEnabled", "one address per server.N line", "true");
            refused("multiAddress.reachabilityCheckTimeoutMs", "one address per server.N line");
            refused("observerMasterPort", "observers always learn from the leader: Coord has no observer masters"
                    + " (followers serving observers)");
            refused("observer.reconnectDelayMs", NO_OBSERVER_TUNING);
            refused("observer.election.DelayMs", NO_OBSERVER_TUNING);
            refusedPrefix("group.", "hierarchical quorums are not supported");
            refusedPrefix("weight.", "hierarchical quorums are not supported");
            refused("oraclePath", "the two-member oracle is not supported");
            refused("connectToLearnerMasterLimit", NO_EQUIVALENT);
            refused("maxTimeToWaitForEpoch", NO_EQUIVALENT);
            refused("electionPortBindRetry", NO_EQUIVALENT);
            defaultOnly("cnxTimeout", NO_EQUIVALENT, "5000");
            defaultOnly("quorumCnxnTimeoutMs", NO_EQUIVALENT, "-1");
            defaultOnly("fastleader.minNotificationInterval", NO_EQUIVALENT, "200");
            defaultOnly("fastleader.maxNotificationInterval", NO_EQUIVALENT, "60000");
            defaultOnly("maxConcurrentSnapSyncs", NO_EQUIVALENT, "10");
            defaultOnly("maxConcurrentDiffSyncs", NO_EQUIVALENT, "100");
            defaultOnly("learner.closeSocketAsync", NO_EQUIVALENT, "false");
            defaultOnly("leader.closeSocketAsync", NO_EQUIVALENT, "false");
            defaultOnly("learner.asyncSending", NO_EQUIVALENT, "false");
            defaultOnly("forward_learner_requests_to_commit_processor_disabled", NO_EQUIVALENT, "false");
            defaultOnly("zookeeper.follower.skipLearnerRequestToNextProcessor", NO_EQUIVALENT, "false");
            defaultOnly("tcpKeepAlive", NO_EQUIVALENT, "false");
            // Coord always turns keep-alive on for client sockets.
            defaultOnly("clientTcpKeepAlive", "client sockets always use TCP keep-alive in Coord", "true");
        }

        void storageAndTuningKeys() {
            defaultOnly("forceSync", "Coord always forces the log before acknowledging a write", "yes", "true");
            defaultOnly("globalOutstandingLimit", NO_EQUIVALENT, "1000");
            defaultOnly("preAllocSize", NO_EQUIVALENT, "65536");
            defaultOnly("commitLogCount", NO_EQUIVALENT, "500");
            defaultOnly("snapSizeLimitInKb", NO_EQUIVALENT, "4194304");
            defaultOnly("txnLogSizeLimitInKb", NO_EQUIVALENT, "-1");
            defaultOnly("fsync.warningthresholdms", NO_EQUIVALENT, "1000");
            defaultOnly("maxResponseCacheSize", NO_EQUIVALENT, "400");
            defaultOnly("maxGetChildrenResponseCacheSize", NO_EQUIVALENT, "400");
            defaultOnly("emulate353TTLNodes", "3.5.3's TTL encoding is not supported", "false");
            defaultOnly("watchManagerName", NO_EQUIVALENT, "org.apache.zookeeper.server.watch.watchmanager");
            for (String k : List.of("watcherCleanThreadsNum", "watcherCleanThreshold", "watcherCleanIntervalInSeconds",
                    "maxInProcessingDeadWatchers", "bitHashCacheSize")) {
                refused(k, "WatchManagerOptimized does not exist in Coord");
            }
            defaultOnly("connectionMaxTokens", "connection throttling is not supported", "0");
            for (String k : List.of("connectionTokenFillTime", "connectionTokenFillCount", "connectionFreezeTime",
                    "connectionDropIncrease", "connectionDropDecrease", "connectionDecreaseRatio")) {
                refused(k, "connection throttling is not supported");
            }
            refusedPrefix("zookeeper.connection_throttle_", "connection throttling is not supported");
            defaultOnly("clientPortListenBacklog", NO_EQUIVALENT, "-1");
            defaultOnly("serverCnxnFactory", "Coord's client port is always its own Netty server",
                    "org.apache.zookeeper.server.nioservercnxnfactory",
                    "org.apache.zookeeper.server.nettyservercnxnfactory");
            defaultOnly("flushDelay", NO_EQUIVALENT, "0");
            refused("maxWriteQueuePollTime", NO_EQUIVALENT);
            defaultOnly("maxBatchSize", NO_EQUIVALENT, "1000");
            // Coord always enforces hard quotas (QUOTAEXCEEDED), as ZooKeeper does with enforceQuota=true;
            // turning enforcement off is not supported, so =false is refused rather than ignored.
            defaultOnly("enforceQuota", "hard quotas are always enforced; enforceQuota=false is not supported", "true");
            defaultOnly("requestThrottleLimit", "request throttling is not supported", "0");
            defaultOnly("requestThrottleStallTime", "request throttling is not supported", "100");
            defaultOnly("requestThrottleDropStale", "request throttling is not supported", "true");
            defaultOnly("requestStaleLatencyCheck", "request throttling is not supported", "false");
            defaultOnly("requestStaleConnectionCheck", "request throttling is not supported", "true");
            refused("zookeeper.request_throttler.shutdownTimeout", "request throttling is not supported");
            defaultOnly("advancedFlowControlEnabled", NO_EQUIVALENT, "false");
            defaultOnly("enableEagerACLCheck", NO_EQUIVALENT, "false");
            defaultOnly("digest.enabled", "Coord keeps its own tree digest (the hash four-letter word)", "true");
            defaultOnly("snapshot.compression.method", "snapshots use Coord's own format", "");
            defaultOnly("snapshot.trust.empty", "Coord never trusts a missing snapshot", "false");
            defaultOnly("serializeLastProcessedZxid.enabled", "snapshots use Coord's own format", "true");
            defaultOnly("audit.enable", "audit logging is not supported", "false");
            refused("audit.impl.class", "audit logging is not supported");
            defaultOnly("largeRequestMaxBytes", NO_EQUIVALENT, "104857600");
            defaultOnly("largeRequestThreshold", NO_EQUIVALENT, "-1");
            refused("outstandingHandshake.limit", NO_EQUIVALENT);
            defaultOnly("throttledOpWaitTime", NO_EQUIVALENT, "0");
            refused("jute.maxbuffer.extrasize", NO_EQUIVALENT);
            defaultOnly("znode.container.maxPerMinute", NO_EQUIVALENT, "10000");
            defaultOnly("znode.container.maxNeverUsedIntervalMs", NO_EQUIVALENT, "0");
            refusedPrefix("zookeeper.nio.", "Coord's client port is its own Netty server");
            refusedPrefix("zookeeper.commitProcessor.", NO_EQUIVALENT);
            refusedPrefix("zookeeper.messageTracker.", NO_EQUIVALENT);
        }

        void securityKeys() {
            // Client-port TLS (TlsKeys): secureClientPort, ssl.* and their zookeeper.ssl.* spellings.
            honoured(TlsKeys.HONOURED.toArray(new String[0]));
            TlsKeys.DEFAULT_ONLY.forEach((k, values) -> {
                String why = "a TLS option Coord does not have (it runs the JDK's TLS with x509 client identities)";
                defaultOnly(k, why, values.toArray(new String[0]));
                defaultOnly(TlsKeys.ALIAS_PREFIX + k, why, values.toArray(new String[0]));
            });
            refusedPrefix("ssl.", "an ssl.* key Coord does not know; refusing rather than running without it");
            refusedPrefix("ssl.quorum.", NO_QUORUM_TLS);
            refused("ssl.context.supplier.class", "a custom SSLContext supplier is not supported");
            refused("netty.server.earlyDropSecureConnectionHandshakes", "not supported: a TLS handshake is"
                    + " always completed before the connection is served");
            defaultOnly("fips-mode", "Coord always verifies with the JDK's TLS (ZooKeeper's fips-mode=true)", "true");
            // The super user and the ACL switches (AuthKeys reads them), under ZooKeeper's zoo.cfg name
            // and its system property name. Provider classes other than ZooKeeper's built-ins (digest,
            // ip, sasl, x509) are refused by AuthKeys: Coord loads no classes.
            honoured("DigestAuthenticationProvider.superDigest", "zookeeper.DigestAuthenticationProvider.superDigest",
                    "superUser", "zookeeper.superUser", "skipACL", "zookeeper.skipACL",
                    "enforce.auth.enabled", "zookeeper.enforce.auth.enabled", "enforce.auth.schemes",
                    "zookeeper.enforce.auth.schemes", "enforceAuthEnabled", "zookeeper.enforceAuthEnabled");
            honouredPrefix("superUser.", "zookeeper.superUser.", "authProvider.", "zookeeper.authProvider.");
            refused("authProvider", "ZooKeeper reads authProvider.N (one provider class per line)");
            refused("superDigest", "ZooKeeper's key is DigestAuthenticationProvider.superDigest");
            refused("enforce.auth.scheme", "ZooKeeper 3.9 reads enforce.auth.schemes (a comma-separated list)");
            honoured("X509AuthenticationProvider.superUser", "zookeeper.X509AuthenticationProvider.superUser");
            defaultOnly("DigestAuthenticationProvider.enabled", "the digest scheme is always enabled", "true");
            defaultOnly("DigestAuthenticationProvider.digestAlg", "the digest scheme uses SHA1, as by default", "sha1");
            defaultOnly("IPAuthenticationProvider.usexforwardedfor", "the ip scheme uses the socket's address",
                    "false");
            refused("zookeeper.ensembleAuthName", "ensemble authentication is not supported");
            // Client SASL (DIGEST-MD5), read by SaslConfig; the JAAS file comes from a system property.
            honoured("sessionRequireClientSASLAuth", "zookeeper.sessionRequireClientSASLAuth",
                    "allowSaslFailedClients", "zookeeper.allowSaslFailedClients",
                    "kerberos.removeHostFromPrincipal", "kerberos.removeRealmFromPrincipal",
                    SaslConfig.SECTION_PROPERTY);
            // Quorum SASL (DIGEST-MD5), read by QuorumSaslConfig (quorum.cnxn.threads.size: checked, no effect).
            honoured(QuorumSaslConfig.KEYS);
            refusedPrefix("quorum.auth.", NO_SASL);
            refusedPrefix("sasl", NO_SASL);
            refusedPrefix("kerberos.", NO_SASL);
        }

        void adminAndMetricsKeys() {
            honoured("admin.enableServer", "admin.serverAddress", "admin.serverPort", "admin.commandURL",
                    "admin.idleTimeout", "metricsProvider.className", "metricsProvider.httpHost",
                    "metricsProvider.httpPort", "metricsProvider.exportJvmInfo");
            // The snapshot and restore commands (on by default, as in ZooKeeper; each needs ALL on /).
            honoured("admin.snapshot.enabled", "admin.restore.enabled", "admin.rateLimiterIntervalInMS");
            // HTTPS with the quorum TLS keys (ConfigParser.adminHttps, TlsKeys.parseAdminKeys).
            honoured("admin.forceHttps", "admin.needClientAuth", "admin.portUnification");
            // Other admin.* keys configure what Coord's AdminServer lacks; ConfigParser accepts them
            // only next to admin.enableServer=false.
            refusedPrefix("admin.", NO_ADMIN);
            // Prometheus over HTTPS (ConfigParser.metrics, TlsKeys.parseMetricsKeys), as ZooKeeper's provider names them.
            honoured("metricsProvider.httpsPort", "metricsProvider.ssl.keyStore.location",
                    "metricsProvider.ssl.keyStore.password", "metricsProvider.ssl.keyStore.type",
                    "metricsProvider.ssl.trustStore.location", "metricsProvider.ssl.trustStore.password",
                    "metricsProvider.ssl.trustStore.type", "metricsProvider.ssl.need.client.auth",
                    "metricsProvider.ssl.want.client.auth", "metricsProvider.ssl.ciphersuites",
                    "metricsProvider.ssl.enabledProtocols");
            refusedPrefix("metricsProvider.ssl.", "not a TLS key of ZooKeeper's Prometheus provider");
            refusedPrefix("metricsProvider.", "a metrics provider setting Coord's Prometheus endpoint does not have");
        }

        void honoured(String... keys) {
            for (String k : keys) {
                exact.put(k, new Rule(k, false, Treatment.HONOURED, Set.of(), ""));
            }
        }

        void defaultOnly(String key, String why, String... accepted) {
            exact.put(key, new Rule(key, false, Treatment.DEFAULT_ONLY, Set.of(accepted), why));
        }

        void refused(String key, String why) {
            exact.put(key, new Rule(key, false, Treatment.REFUSED, Set.of(), why));
        }

        void honouredPrefix(String... prefixList) {
            for (String p : prefixList) {
                prefixes.add(new Rule(p, true, Treatment.HONOURED, Set.of(), ""));
            }
        }

        void refusedPrefix(String prefix, String why) {
            prefixes.add(new Rule(prefix, true, Treatment.REFUSED, Set.of(), why));
        }
    }
}
