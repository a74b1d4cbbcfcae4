package io.coord.server;

import io.coord.server.admin.AdminServer;
import io.coord.server.admin.CommandAnswers;
import io.coord.server.admin.DataTransfer;
import io.coord.server.admin.JmxBeans;
import io.coord.server.admin.ProcessFigures;
import io.coord.server.admin.SnapshotCommands;
import io.coord.server.admin.StatusSource;
import io.coord.server.admin.console.ConsoleBackend;
import io.coord.server.admin.console.ConsoleRoutes;
import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.AuthKeys;
import io.coord.server.config.ConfigException;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.coord.server.metrics.PrometheusEndpoint;
import io.coord.server.net.ClientServer;
import io.coord.server.net.NettyTransport;
import io.coord.server.quorum.MemberDataTransfer;
import io.coord.server.quorum.MemberSupervisor;
import io.coord.server.session.Clock;
import io.coord.server.storage.SnapshotStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
     * acknowledge writes alone. Either way a full disk (its log or data directory) stops it until
     * there is room again.
     */
    static MemberSupervisor start(ServerConfig config) throws Exception {
        return MemberSupervisor.start(config);
    }

    /**
     * What main runs: {@link #start} and then, as the config asks, the AdminServer and the
     * Prometheus endpoint, and ZooKeeper's JMX beans, all reading the server through its {@link StatusSource}. Closing the
     * result stops the endpoints, then the server.
     *
     * @param configText the config file as read, for the initial_configuration command
     */
    static AutoCloseable run(ServerConfig config, String configText) throws Exception {
        MemberSupervisor server = start(config);
        List<AutoCloseable> endpoints = new ArrayList<>();
        try {
            StatusSource source = server.statusSource();
            NettyTransport transport = NettyTransport.of(config.nettyTransport());
            // Counted by the AdminServer, reported by the server (mntr, monitor, /metrics), kept across member restarts.
            ProcessFigures figures = server.figures();
            if (config.admin().enabled()) {
                SnapshotStore snapshots = new SnapshotStore(config.dataDir());
                DataTransfer transfer = new MemberDataTransfer(server, config, Clock.system());
                ConsoleBackend console = new ConsoleBackend(consoleAddress(config), System::currentTimeMillis);
                endpoints.add(console); // closed first: its sessions go before the server does
                endpoints.add(AdminServer.start(config.admin(), transport, source,
                        new CommandAnswers(config, configText, snapshots::newestListed),
                        new SnapshotCommands(config.admin(), transfer, AuthPolicy.of(config),
                                () -> System.nanoTime() / 1_000_000, figures), new ConsoleRoutes(console), figures));
            }
            if (config.metrics().prometheus()) {
                endpoints.add(PrometheusEndpoint.start(config.metrics(), source));
            }
            endpoints.add(JmxBeans.start(source, config, config.clientAddress().getPort()));
        } catch (Exception e) {
            closeAll(endpoints, server);
            throw e;
        }
        return () -> closeAll(endpoints, server);
    }

    /** Where the web console connects as a client: this server's plaintext client port on loopback (null: none). */
    private static String consoleAddress(ServerConfig config) {
        InetSocketAddress a = config.clientAddress();
        if (a == null) {
            return null;
        }
        String host = a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return host + ":" + a.getPort();
    }

    private static void closeAll(List<AutoCloseable> endpoints, AutoCloseable server) throws Exception {
        for (AutoCloseable endpoint : endpoints) {
            try {
                endpoint.close();
            } catch (Exception e) {
                LOG.warn("error while stopping an HTTP endpoint: {}", e.toString());
            }
        }
        server.close();
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
        String configText;
        try {
            configText = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
            config = ConfigParser.load(Path.of(args[0]));
            AuthKeys.refuseJvmProperties(System.getProperties());
            ConfigParser.refuseJvmProperties(System.getProperties(), config);
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
            server = run(config, configText);
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
