package io.coord.server.compat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;

/**
 * The real Apache ZooKeeper 3.9.5 standalone server run in-process: the oracle the compatibility
 * tests are validated against.
 */
final class ZooKeeperTarget extends InProcessTarget {

    static {
        // ZooKeeper reads these from system properties, several of them once per JVM, so they are
        // set before any server class is used. They give the oracle the settings Coord has by
        // default or by CoordTarget's config.
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("znode.container.checkIntervalMs", String.valueOf(CONTAINER_CHECK_INTERVAL_MS));
        // Durability is not what the in-process oracle is asked about; skipping fsync keeps it fast.
        System.setProperty("zookeeper.forceSync", "no");
        // Coord always refuses writes past a hard quota; ZooKeeper does with enforceQuota on.
        System.setProperty("zookeeper.enforceQuota", "true");
        // Read once per JVM, when DigestAuthenticationProvider loads: every oracle has this super user
        // (a password no other test uses), so that super user tests run against the oracle too.
        System.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", SUPER_DIGEST);
    }

    private final Map<String, String> serverKeys;
    private Runner runner;
    private Thread thread;

    private ZooKeeperTarget(Map<String, String> serverKeys) throws IOException {
        super("zk-oracle-");
        this.serverKeys = Map.copyOf(serverKeys);
    }

    static ZooKeeperTarget start() throws Exception {
        return start(Map.of());
    }

    /**
     * {@code serverKeys} become {@code zookeeper.<key>} system properties while the server starts and
     * are removed once it has: only what ZooKeeper reads per server instance (enforce.auth.*) takes.
     */
    static ZooKeeperTarget start(Map<String, String> serverKeys) throws Exception {
        return started(new ZooKeeperTarget(serverKeys));
    }

    private static String propertyName(String key) {
        return key.startsWith("zookeeper.") ? key : "zookeeper." + key;
    }

    /** Exposes the protected start hook so the caller knows when clients can connect. */
    private static final class Runner extends ZooKeeperServerMain {
        final CountDownLatch started = new CountDownLatch(1);

        @Override
        protected void serverStarted() {
            started.countDown();
        }
    }

    @Override
    int startServer(Path dataDir, int requestedPort) throws Exception {
        ServerConfig config = new ServerConfig();
        config.parse(new String[] {
            String.valueOf(requestedPort), dataDir.toString(), String.valueOf(TICK_TIME_MS), "0"});
        Runner main = new Runner();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                main.runFromConfig(config);
            } catch (Throwable e) {
                failure.set(e);
                main.started.countDown();
            }
        }, "zk-oracle-" + requestedPort);
        t.setDaemon(true);
        serverKeys.forEach((k, v) -> System.setProperty(propertyName(k), v));
        try {
            t.start();
            if (!main.started.await(30, TimeUnit.SECONDS) || failure.get() != null) {
                main.close();
                throw new IllegalStateException("ZooKeeper oracle did not start", failure.get());
            }
        } finally {
            serverKeys.keySet().forEach(k -> System.clearProperty(propertyName(k)));
        }
        runner = main;
        thread = t;
        return main.getClientPort();
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    void stopServer() {
        runner.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner = null;
        thread = null;
    }
}
