package io.coord.server;

import io.coord.server.config.ConfigException;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.ClientServer;
import io.coord.server.net.NettyTransport;
import io.coord.server.quorum.MemberSupervisor;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java io.coord.server.CoordServerMain zoo.cfg}: runs one server until SIGTERM. */
public final class CoordServerMain {
    /** Set up (logback.xml read) when this class loads, before main starts any other thread. */
    private static final Logger LOG = LoggerFactory.getLogger(CoordServerMain.class);

    private CoordServerMain() {
    }

    /**
     * Starts what the config describes: an ensemble member whenever it names servers (server.N
     * lines, in the config or its dynamicConfigFile, even a single one), else the standalone
     * server, which is an ensemble of one voter. A member must never come up standalone: it would
     * acknowledge writes alone. Either way a full log disk stops it until there is room again.
     */
    static AutoCloseable start(ServerConfig config) throws Exception {
        return MemberSupervisor.start(config);
    }

    /**
     * Logging is already set up (LOG): a logger used from another thread during slf4j's set-up
     * would only record its events and replay them later under a warning. Loading Netty (~0.1 s of
     * class loading on a cold JVM, and the epoll native library) runs on its own thread while this
     * one recovers the tree; a transport that cannot load is reported by the start itself.
     */
    private static void warmUp(ServerConfig config) {
        Thread warmUp = new Thread(() -> {
            try {
                ClientServer.preloadClasses(NettyTransport.of(config.nettyTransport()));
            } catch (RuntimeException e) {
                LOG.debug("warm-up skipped: {}", e.toString());
            }
        }, "coord-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CoordServerMain <config file>");
            System.exit(2);
        }
        ServerConfig config;
        try {
            config = ConfigParser.load(Path.of(args[0]));
        } catch (ConfigException e) {
            System.err.println("Invalid configuration in " + args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            System.err.println("Cannot read configuration " + args[0] + ": " + e);
            System.exit(2);
            return;
        }
        warmUp(config);
        AutoCloseable server;
        try {
            server = start(config);
        } catch (Exception e) {
            LOG.error("Coord failed to start: {}", e.getMessage(), e);
            System.err.println("Coord failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
            stopped.countDown();
        }, "coord-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
