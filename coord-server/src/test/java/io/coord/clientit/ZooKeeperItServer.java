package io.coord.clientit;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** Apache ZooKeeper 3.9.5, standalone and in-process, tickTime 200 ms. */
final class ZooKeeperItServer implements ClientItServer {
    static {
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.admin.enableServer", "false");
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.zookeeper"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    private static final int TICK_MS = 200;
    private final File snapDir;
    private final File logDir;
    private int port;
    private ZooKeeperServer zks;
    private ServerCnxnFactory factory;

    private ZooKeeperItServer(Path dataDir) throws Exception {
        snapDir = Files.createDirectories(dataDir.resolve("snap")).toFile();
        logDir = Files.createDirectories(dataDir.resolve("log")).toFile();
    }

    static ZooKeeperItServer start(Path dataDir) throws Exception {
        ZooKeeperItServer s = new ZooKeeperItServer(dataDir);
        s.startAgain();
        return s;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public synchronized void startAgain() throws Exception {
        zks = new ZooKeeperServer(snapDir, logDir, TICK_MS);
        factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 100);
        factory.startup(zks);
        port = factory.getLocalPort();
    }

    @Override
    public synchronized void stop() {
        if (factory != null) {
            factory.shutdown();
            factory = null;
        }
        if (zks != null) {
            zks.shutdown();
            zks = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
