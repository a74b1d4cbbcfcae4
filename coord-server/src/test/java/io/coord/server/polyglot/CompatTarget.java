package io.coord.server.polyglot;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * The server a compatibility script talks to, chosen by the system property
 * {@code coord.compat.target}: {@code coord} (default) or {@code zookeeper} (a real ZooKeeper
 * 3.9 server in-process, the oracle the scripts were validated against).
 */
abstract class CompatTarget implements AutoCloseable {
    static final String PROPERTY = "coord.compat.target";
    private static final int TICK_TIME_MS = 200;

    static {
        // The oracle must accept what Coord accepts: TTL/container nodes, and every
        // four-letter word (kazoo's server_version() uses "envi"). No admin HTTP server in tests.
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
    }

    /** host:port for clients. */
    abstract String hostPort();

    /** Name for messages: "coord" or "zookeeper". */
    abstract String name();

    @Override
    public abstract void close();

    static CompatTarget start(Path dir) throws Exception {
        String target = System.getProperty(PROPERTY, "coord");
        if (target.isBlank() || target.equals("coord")) {
            return new Coord(dir);
        }
        if (target.equals("zookeeper")) {
            return new ZooKeeperOracle(dir);
        }
        throw new IllegalArgumentException(PROPERTY + " must be coord or zookeeper, got " + target);
    }

    private static final class Coord extends CompatTarget {
        private final CoordServer server;

        Coord(Path dir) throws IOException {
            server = CoordServer.start(ServerConfig.builder(dir).clientPort(0)
                    .tickTimeMs(TICK_TIME_MS).fourLetterWords(Set.of("*")).build());
        }

        @Override
        String hostPort() {
            return "127.0.0.1:" + server.clientPort();
        }

        @Override
        String name() {
            return "coord";
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private static final class ZooKeeperOracle extends CompatTarget {
        private final ZooKeeperServer server;
        private final ServerCnxnFactory factory;

        ZooKeeperOracle(Path dir) throws Exception {
            File snapDir = Files.createDirectories(dir.resolve("zk-snap")).toFile();
            File logDir = Files.createDirectories(dir.resolve("zk-log")).toFile();
            server = new ZooKeeperServer(snapDir, logDir, TICK_TIME_MS);
            factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
            try {
                factory.startup(server);
            } catch (Exception e) {
                factory.shutdown();
                server.shutdown();
                throw e;
            }
        }

        @Override
        String hostPort() {
            return "127.0.0.1:" + factory.getLocalPort();
        }

        @Override
        String name() {
            return "zookeeper";
        }

        @Override
        public void close() {
            factory.shutdown();
            server.shutdown();
        }
    }
}
