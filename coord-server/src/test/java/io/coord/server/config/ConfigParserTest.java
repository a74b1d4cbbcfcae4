package io.coord.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigParserTest {

    private static Properties props(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    @Test
    void defaultsFollowZooKeeper() throws IOException {
        ServerConfig c = ConfigParser.parse(props("tickTime=1000\ndataDir=/tmp/x\nclientPort=2181\n"));
        assertEquals(2000, c.minSessionTimeoutMs());
        assertEquals(20000, c.maxSessionTimeoutMs());
        assertEquals(Path.of("/tmp/x"), c.dataLogDir());
        assertEquals(0xfffff, c.juteMaxBuffer());
        assertTrue(c.fourLetterWordAllowed("srvr"));
        assertFalse(c.fourLetterWordAllowed("mntr"));
        assertTrue(c.extendedTypesEnabled());
        assertTrue(c.standalone());
        assertEquals(2000, c.groupCommitMaxWaitMicros());
        // As ZooKeeper: an AdminServer on 0.0.0.0:8080/commands unless told otherwise; no metrics endpoint.
        assertEquals(AdminConfig.ZOOKEEPER_DEFAULT, c.admin());
        assertFalse(c.metrics().prometheus());
    }

    @Test
    void adminAndPrometheusKeysAreHonoured() throws IOException {
        ServerConfig c = ConfigParser.parse(props(BASE + """
                admin.serverAddress=127.0.0.1
                admin.serverPort=9090
                admin.commandURL=/cmds
                admin.idleTimeout=5000
                metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
                metricsProvider.httpHost=127.0.0.2
                metricsProvider.httpPort=7001
                metricsProvider.exportJvmInfo=false
                """));
        assertEquals(new AdminConfig(true, "127.0.0.1", 9090, "/cmds", 5000), c.admin());
        assertEquals(new MetricsConfig(true, "127.0.0.2", 7001, false), c.metrics());
        assertFalse(ConfigParser.parse(props(BASE + "admin.enableServer=false\n")).admin().enabled());
        // snapshot and restore: on by default, once per 5 minutes (ZooKeeper 3.9's defaults); each can be set.
        assertEquals(new AdminConfig(true, "127.0.0.1", 9090, "/cmds", 5000, true, true, 300_000, AdminHttps.OFF), c.admin());
        AdminConfig off = ConfigParser.parse(props(BASE + "admin.snapshot.enabled=false\nadmin.restore.enabled=false\n"
                + "admin.rateLimiterIntervalInMS=1000\n")).admin();
        assertEquals(List.of(false, false, 1000L), List.of(off.snapshotEnabled(), off.restoreEnabled(),
                off.rateLimiterIntervalMs()));
        assertEquals("admin.rateLimiterIntervalInMS", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(BASE + "admin.rateLimiterIntervalInMS=-1\n"))).key());
        // A bad value names its key.
        assertEquals("admin.serverPort", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(BASE + "admin.serverPort=70000\n"))).key());
        assertEquals("admin.commandURL", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(BASE + "admin.commandURL=commands\n"))).key());
    }

    @Test
    void readsEveryKey() throws IOException {
        ServerConfig c = ConfigParser.parse(props("""
                tickTime=200
                dataDir=/d
                dataLogDir=/l
                clientPort=0
                clientPortAddress=127.0.0.1
                minSessionTimeout=500
                maxSessionTimeout=9000
                maxClientCnxns=0
                4lw.commands.whitelist=*
                autopurge.snapRetainCount=5
                autopurge.purgeInterval=2
                snapCount=100
                jute.maxbuffer=4096
                groupCommitMaxWaitMicros=0
                """));
        assertEquals(200, c.tickTimeMs());
        assertEquals(Path.of("/l"), c.dataLogDir());
        assertEquals("127.0.0.1", c.clientAddress().getHostString());
        assertEquals(500, c.minSessionTimeoutMs());
        assertEquals(9000, c.maxSessionTimeoutMs());
        assertEquals(0, c.maxClientCnxns());
        assertTrue(c.fourLetterWordAllowed("wchp"));
        assertEquals(5, c.snapRetainCount());
        assertEquals(2, c.purgeIntervalHours());
        assertEquals(100, c.snapCount());
        assertEquals(4096, c.juteMaxBuffer());
        assertEquals(0, c.groupCommitMaxWaitMicros());
    }

    @Test
    void badValueNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("tickTime=abc\ndataDir=/d\nclientPort=1\n")));
        assertEquals("tickTime", e.key());
        assertEquals("maxSessionTimeout", assertThrows(ConfigException.class, () -> ConfigParser.parse(
                props("dataDir=/d\nclientPort=1\nminSessionTimeout=5000\nmaxSessionTimeout=100\n"))).key());
        assertEquals("dataDir", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("clientPort=1\n"))).key());
        assertEquals("autopurge.snapRetainCount", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("dataDir=/d\nclientPort=1\nautopurge.snapRetainCount=1\n"))).key());
        assertEquals("groupCommitMaxWaitMicros", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("dataDir=/d\nclientPort=1\ngroupCommitMaxWaitMicros=-1\n"))).key());
    }

    @Test
    void ensembleLinesNeedMyId(@TempDir Path dir) throws IOException {
        String base = "dataDir=" + dir + "\nclientPort=2181\nserver.1=127.0.0.1:2888:3888\n"
                + "server.2=127.0.0.1:2889:3889\nserver.3=127.0.0.1:2890:3890:participant\n";
        assertEquals("myid", assertThrows(ConfigException.class, () -> ConfigParser.parse(props(base))).key());
        Files.writeString(dir.resolve("myid"), "2\n");
        ServerConfig c = ConfigParser.parse(props(base));
        assertEquals(2, c.myId());
        assertEquals(3, c.servers().size());
        assertFalse(c.servers().get(3L).observer());
        assertEquals(2889, c.servers().get(2L).quorumPort());
    }

    private static final String BASE = "dataDir=/d\nclientPort=2181\n";

    /**
     * readonlymode.enabled: read from the config file (off by default, as ZooKeeper); the JVM
     * property ZooKeeper reads instead is refused at start-up unless the config says the same.
     */
    @Test
    void readOnlyModeComesFromTheConfigFileAndTheJvmPropertyIsRefusedUnlessItAgrees() throws IOException {
        ServerConfig off = ConfigParser.parse(props(BASE));
        assertFalse(off.readOnlyModeEnabled());
        ServerConfig on = ConfigParser.parse(props(BASE + "readonlymode.enabled=true\n"));
        assertTrue(on.readOnlyModeEnabled());
        assertEquals("readonlymode.enabled", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(BASE + "readonlymode.enabled=sometimes\n"))).key());

        ConfigParser.refuseJvmProperties(props(""), off);
        ConfigParser.refuseJvmProperties(props("readonlymode.enabled=true\n"), on);
        ConfigParser.refuseJvmProperties(props("readonlymode.enabled=false\n"), off);
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.refuseJvmProperties(props("readonlymode.enabled=true\n"), off));
        assertEquals("readonlymode.enabled", e.key());
        assertTrue(e.getMessage().contains("in the config file instead"), e.getMessage());
    }

    /** Issue 15: localSessionsEnabled and localSessionsUpgradingEnabled are honoured (off by default). */
    @Test
    void localSessionKeys() throws IOException {
        assertEquals(LocalSessionsConfig.OFF, ConfigParser.parse(props(BASE)).localSessions());
        assertEquals(new LocalSessionsConfig(true, false),
                ConfigParser.parse(props(BASE + "localSessionsEnabled=true\n")).localSessions());
        assertEquals(new LocalSessionsConfig(true, true), ConfigParser.parse(props(BASE
                + "localSessionsEnabled=true\nlocalSessionsUpgradingEnabled=true\n")).localSessions());
        assertEquals("localSessionsEnabled", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(BASE + "localSessionsEnabled=maybe\n"))).key());
    }

    /** Issue 15: server.N=host:q:e:observer is a non-voting member; peerType must agree with the line. */
    @Test
    void observerLinesAndPeerType(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("myid"), "4\n");
        String base = "dataDir=" + dir + "\nclientPort=2181\nserver.1=127.0.0.1:2888:3888\n"
                + "server.2=127.0.0.1:2889:3889\nserver.3=127.0.0.1:2890:3890:participant\n"
                + "server.4=127.0.0.1:2891:3891:observer\n";
        ServerConfig c = ConfigParser.parse(props(base));
        assertTrue(c.servers().get(4L).observer());
        assertFalse(c.servers().get(1L).observer());
        assertTrue(ConfigParser.parse(props(base + "peerType=observer\n")).servers().get(4L).observer());
        ConfigException mismatch = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(base + "peerType=participant\n")));
        assertEquals("peerType", mismatch.key());
        assertTrue(mismatch.getMessage().contains("server.4 is an observer"), mismatch.getMessage());
        assertEquals("peerType", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(base + "peerType=witness\n"))).key());
        assertEquals("peerType", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(BASE + "peerType=observer\n"))).key(), "standalone cannot observe");
        assertEquals("server.4", assertThrows(ConfigException.class, () -> ConfigParser.parse(
                props(base.replace(":observer", ":watcher")))).key());
        for (String key : List.of("observerMasterPort=2191", "observer.reconnectDelayMs=10",
                "observer.election.DelayMs=10")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(props(base + key)));
            assertEquals(key.substring(0, key.indexOf('=')), e.key());
        }
        // Every line an observer: nobody could lead.
        assertEquals("server.1", assertThrows(ConfigException.class, () -> ConfigParser.parse(props(
                "dataDir=" + dir + "\nclientPort=2181\nserver.1=127.0.0.1:2888:3888:observer\n"
                        + "server.4=127.0.0.1:2891:3891:observer\n"))).key());
    }

    /** Keys ZooKeeper documents that Coord cannot honour: start-up stops, naming the key. */
    @ParameterizedTest
    @ValueSource(strings = {"superDigest=super:abc", "skipACL=true", "forceSync=no", "preAllocSize=1024", "globalOutstandingLimit=5",
        "ssl.context.supplier.class=org.example.Ctx",
        "zookeeper.ssl.quorum.context.supplier.class=org.example.Ctx", "authProvider.1=org.example.Auth",
        "metricsProvider.className=org.example.Prometheus", "metricsProvider.ssl.crl=true",
        "metricsProvider.numWorkerThreads=4",
        "quorumListenOnAllIPs=true",
        "quorum.auth.digestAlg=sha1", "saslAuthRequired=true", "group.1=1:2:3",
        "weight.1=1",
        "audit.enable=true", "electionAlg=1", "observerMasterPort=2191",
        "enforceQuota=false", "watchManagerName=org.example.Watches", "snapshot.compression.method=gz",
        // Undocumented, but security settings are never dropped with a warning: fail closed.
        "zookeeper.authProvider.1=org.example.Auth", "zookeeper.skipACL=on", "tlsEnabled=true"})
    void unsupportedDocumentedKeyIsRefusedNamingIt(String line) {
        String key = line.substring(0, line.indexOf('='));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(props(BASE + line)));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    }

    /** The same keys with a value that asks for ZooKeeper's default behaviour are accepted. */
    @Test
    void defaultValuesOfUnsupportedKeysAreAccepted() throws IOException {
        List<String> warnings = new ArrayList<>();
        ServerConfig c = ConfigParser.parse(props(BASE + """
                forceSync=yes
                skipACL=no
                admin.enableServer=false
                admin.serverPort=8080
                admin.commandURL=/commands
                reconfigEnabled=false
                enforceQuota=true
                standaloneEnabled=true
                localSessionsEnabled=false
                peerType=participant
                quorumListenOnAllIPs=false
                metricsProvider.className=org.apache.zookeeper.metrics.impl.DefaultMetricsProvider
                globalOutstandingLimit=1000
                preAllocSize=65536
                secureClientPort=0
                sslQuorum=false
                electionAlg=3
                serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
                """), warnings::add);
        assertTrue(c.standalone());
        assertEquals(List.of(), warnings);
    }

    /** Keys ZooKeeper does not document are ignored with a warning that names them. */
    @Test
    void undocumentedKeyWarnsNamingIt() throws IOException {
        List<String> warnings = new ArrayList<>();
        ConfigParser.parse(props(BASE + "noSuchKey=1\n"), warnings::add);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("'noSuchKey'"), warnings.get(0));
    }

    /** maxCnxns is honoured (a total cap beside the per-IP maxClientCnxns), not dropped. */
    @Test
    void maxCnxnsIsRead() throws IOException {
        assertEquals(0, ConfigParser.parse(props(BASE)).maxCnxns());
        assertEquals(7, ConfigParser.parse(props(BASE + "maxCnxns=7\n")).maxCnxns());
        assertEquals("maxCnxns", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(BASE + "maxCnxns=-1\n"))).key());
    }

    /** A word Coord lacks does not stop start-up (ZooKeeper ignores it too); hash is known. */
    @Test
    void unknownWhitelistWordWarnsAndHashIsKnown() throws IOException {
        List<String> warnings = new ArrayList<>();
        ServerConfig c = ConfigParser.parse(props(BASE + "4lw.commands.whitelist=ruok, hash ,gtmk,nope\n"),
                warnings::add);
        assertTrue(c.fourLetterWordAllowed("hash"));
        assertTrue(c.fourLetterWordAllowed("ruok"));
        assertFalse(c.fourLetterWordAllowed("gtmk"));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("'gtmk'") && warnings.get(1).contains("'nope'"), warnings.toString());
    }

    @Test
    void dynamicConfigFileMakesAnEnsemble(@TempDir Path dir) throws IOException {
        Path dynamic = dir.resolve("zoo.cfg.dynamic.100000000");
        Files.writeString(dynamic, """
                server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181
                server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182
                server.3=127.0.0.1:2890:3890;2183
                version=100000000
                """);
        Files.writeString(dir.resolve("myid"), "2\n");
        ServerConfig c = ConfigParser.parse(props("dataDir=" + dir + "\ndynamicConfigFile=" + dynamic
                + "\nreconfigEnabled=false\nstandaloneEnabled=false\n"));
        assertFalse(c.standalone());
        assertEquals(2, c.myId());
        assertEquals(3, c.servers().size());
        assertEquals(2890, c.servers().get(3L).quorumPort());
        assertEquals(3890, c.servers().get(3L).electionPort());
        assertEquals(new InetSocketAddress(2183), c.servers().get(3L).clientAddress());
        assertEquals(new InetSocketAddress("127.0.0.1", 2181), c.servers().get(1L).clientAddress());
        // This member's client address comes from its own line, as in ZooKeeper.
        assertEquals(2182, c.clientAddress().getPort());
        assertTrue(c.clientAddress().getAddress().isAnyLocalAddress());
    }

    @Test
    void dynamicConfigFileProblemsAreRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("myid"), "1\n");
        Path dynamic = dir.resolve("dyn");
        String base = "dataDir=" + dir + "\nclientPort=2181\ndynamicConfigFile=" + dynamic + "\n";
        assertEquals("dynamicConfigFile", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(base))).key(), "a missing file is an error, not standalone");
        Files.writeString(dynamic, "server.1=127.0.0.1:2888:3888:observer;2181\nserver.2=127.0.0.1:2889:3889:observer;2182\n");
        ConfigException observers = assertThrows(ConfigException.class, () -> ConfigParser.parse(props(base)));
        assertEquals("server.1", observers.key());
        assertTrue(observers.getMessage().contains("at least one must be a participant"), observers.getMessage());
        Files.writeString(dynamic, "server.1=127.0.0.1:2888:3888;2181\n");
        assertEquals("server.2", assertThrows(ConfigException.class, () -> ConfigParser.parse(
                props(base + "server.2=127.0.0.1:2889:3889\n"))).key(), "server lines in both places");
        assertEquals("clientPort", assertThrows(ConfigException.class, () -> ConfigParser.parse(
                props(base.replace("clientPort=2181", "clientPort=2999")))).key(), "client ports disagree");
        Files.writeString(dynamic, "server.1=127.0.0.1:2888:3888;2181\ngroup.1=1\n");
        assertEquals("dynamicConfigFile", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(base))).key());
    }

    /** standaloneEnabled=false never runs standalone: one server.N line is a one-member ensemble. */
    @Test
    void standaloneEnabledFalseIsHonoured(@TempDir Path dir) throws IOException {
        assertEquals("standaloneEnabled", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props(BASE + "standaloneEnabled=false\n"))).key());
        Files.writeString(dir.resolve("myid"), "1\n");
        ServerConfig c = ConfigParser.parse(props("dataDir=" + dir + "\nclientPort=2181\nstandaloneEnabled=false\n"
                + "server.1=127.0.0.1:2888:3888\n"));
        assertFalse(c.standalone());
        assertEquals(1, c.servers().size());
    }

    /** Every key ZooKeeper 3.9's admin guide documents has a row in the table (none falls to UNKNOWN). */
    @Test
    void everyDocumentedKeyHasATreatment() {
        for (String key : DOCUMENTED_KEYS.split("\\s+")) {
            assertTrue(ConfigKeys.rule(key).treatment() != ConfigKeys.Treatment.UNKNOWN, key);
        }
    }

    /** From zookeeperAdmin.md (release-3.9.5), "Configuration Parameters" and the sections after it. */
    private static final String DOCUMENTED_KEYS = """
            clientPort secureClientPort observerMasterPort dataDir tickTime dataLogDir globalOutstandingLimit
            preAllocSize snapCount commitLogCount snapSizeLimitInKb txnLogSizeLimitInKb maxCnxns maxClientCnxns
            clientPortAddress minSessionTimeout maxSessionTimeout fsync.warningthresholdms maxResponseCacheSize
            maxGetChildrenResponseCacheSize autopurge.snapRetainCount autopurge.purgeInterval syncEnabled
            extendedTypesEnabled emulate353TTLNodes watchManagerName watcherCleanThreadsNum watcherCleanThreshold
            watcherCleanIntervalInSeconds maxInProcessingDeadWatchers bitHashCacheSize
            fastleader.minNotificationInterval fastleader.maxNotificationInterval connectionMaxTokens
            connectionTokenFillTime connectionTokenFillCount connectionFreezeTime connectionDropIncrease
            connectionDropDecrease connectionDecreaseRatio zookeeper.connection_throttle_weight_enabled
            zookeeper.connection_throttle_global_session_weight zookeeper.connection_throttle_local_session_weight
            zookeeper.connection_throttle_renew_session_weight clientPortListenBacklog serverCnxnFactory flushDelay
            maxWriteQueuePollTime maxBatchSize enforceQuota requestThrottleLimit requestThrottleStallTime
            requestThrottleDropStale requestStaleLatencyCheck requestStaleConnectionCheck
            zookeeper.request_throttler.shutdownTimeout advancedFlowControlEnabled enableEagerACLCheck
            maxConcurrentSnapSyncs maxConcurrentDiffSyncs digest.enabled snapshot.compression.method
            snapshot.trust.empty audit.enable audit.impl.class largeRequestMaxBytes largeRequestThreshold
            outstandingHandshake.limit netty.server.earlyDropSecureConnectionHandshakes throttledOpWaitTime
            learner.closeSocketAsync leader.closeSocketAsync learner.asyncSending
            forward_learner_requests_to_commit_processor_disabled serializeLastProcessedZxid.enabled electionAlg
            maxTimeToWaitForEpoch initLimit connectToLearnerMasterLimit leaderServes server.1 syncLimit group.1
            weight.1 cnxTimeout quorumCnxnTimeoutMs standaloneEnabled reconfigEnabled 4lw.commands.whitelist
            tcpKeepAlive clientTcpKeepAlive electionPortBindRetry observer.reconnectDelayMs
            observer.election.DelayMs localSessionsEnabled localSessionsUpgradingEnabled
            DigestAuthenticationProvider.enabled DigestAuthenticationProvider.superDigest
            DigestAuthenticationProvider.digestAlg IPAuthenticationProvider.usexforwardedfor
            X509AuthenticationProvider.superUser zookeeper.superUser ssl.authProvider zookeeper.ensembleAuthName
            sessionRequireClientSASLAuth enforce.auth.enabled enforce.auth.schemes sslQuorum ssl.keyStore.location
            ssl.keyStore.password ssl.quorum.keyStore.location ssl.keyStore.passwordPath ssl.keyStore.type
            ssl.trustStore.location ssl.trustStore.password ssl.trustStore.passwordPath ssl.trustStore.type
            ssl.protocol ssl.enabledProtocols ssl.ciphersuites ssl.context.supplier.class ssl.hostnameVerification
            ssl.clientHostnameVerification ssl.allowReverseDnsLookup ssl.crl ssl.ocsp ssl.clientAuth
            ssl.handshakeDetectionTimeoutMillis ssl.sslProvider sslQuorumReloadCertFiles client.certReload
            client.portUnification authProvider authProvider.1 kerberos.removeHostFromPrincipal
            kerberos.removeRealmFromPrincipal kerberos.canonicalizeHostNames multiAddress.enabled
            multiAddress.reachabilityCheckTimeoutMs multiAddress.reachabilityCheckEnabled fips-mode
            zookeeper.follower.skipLearnerRequestToNextProcessor forceSync jute.maxbuffer jute.maxbuffer.extrasize
            skipACL quorumListenOnAllIPs zookeeper.nio.numSelectorThreads zookeeper.nio.numWorkerThreads
            zookeeper.commitProcessor.numWorkerThreads zookeeper.commitProcessor.maxReadBatchSize
            zookeeper.commitProcessor.maxCommitBatchSize znode.container.checkIntervalMs
            znode.container.maxPerMinute znode.container.maxNeverUsedIntervalMs zookeeper.messageTracker.BufferSize
            zookeeper.messageTracker.Enabled admin.rateLimiterIntervalInMS admin.snapshot.enabled
            admin.restore.enabled admin.needClientAuth admin.forceHttps admin.portUnification admin.enableServer
            admin.serverAddress admin.serverPort admin.idleTimeout admin.commandURL metricsProvider.className
            metricsProvider.httpHost metricsProvider.httpPort metricsProvider.exportJvmInfo
            metricsProvider.numWorkerThreads metricsProvider.maxQueueSize metricsProvider.workerShutdownTimeoutMs
            dynamicConfigFile peerType
            """;
}
