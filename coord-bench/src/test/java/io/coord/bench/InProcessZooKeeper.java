package io.coord.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A standalone Apache ZooKeeper server inside the test JVM, on a free loopback port. */
final class InProcessZooKeeper implements AutoCloseable {
    private final ServerCnxnFactory factory;
    private final ZooKeeperServer server;

    InProcessZooKeeper(Path dataDir) throws IOException, InterruptedException {
        Path snapDir = Files.createDirectories(dataDir.resolve("snap"));
        Path logDir = Files.createDirectories(dataDir.resolve("log"));
        server = new ZooKeeperServer(snapDir.toFile(), logDir.toFile(), 2000);
        factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
        factory.startup(server);
    }

    String connectString() {
        return "127.0.0.1:" + factory.getLocalPort();
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
    }
}
