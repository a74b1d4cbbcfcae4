package io.coord.recipes;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.client.RetryNTimes;
import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real Coord in-process plus the clients a test opens; closes them all. A standalone server, or,
 * when the system property {@value #TARGET_PROPERTY} is {@code ensemble}, three ensemble members
 * with a connect string naming all of them.
 */
public final class CoordTestServer implements AutoCloseable {
    /** The property the coord-server test suites use to pick their target, too. */
    public static final String TARGET_PROPERTY = "coord.compat.target";
    /** Short, so expiry tests are quick: the server clamps to [2, 20] ticks of 200 ms. */
    public static final int SHORT_SESSION_MS = 1200;
    private static final int TICK_TIME_MS = 200;
    private static final int CONTAINER_CHECK_INTERVAL_MS = 200;
    private final AutoCloseable server;
    private final String connectString;
    private final List<CoordClient> clients = new ArrayList<>();

    public CoordTestServer(Path dataDir) throws IOException, InterruptedException {
        if (ensemble()) {
            TestEnsemble members = TestEnsemble.start(dataDir, TICK_TIME_MS, CONTAINER_CHECK_INTERVAL_MS);
            server = members;
            connectString = members.connectString();
        } else {
            CoordServer standalone = CoordServer.start(ServerConfig.builder(dataDir).clientPort(0)
                    .tickTimeMs(TICK_TIME_MS).containerCheckIntervalMs(CONTAINER_CHECK_INTERVAL_MS).build());
            server = standalone;
            connectString = "127.0.0.1:" + standalone.clientPort();
        }
    }

    /** True when this run's tests go against a three-member ensemble. */
    public static boolean ensemble() {
        return "ensemble".equals(System.getProperty(TARGET_PROPERTY, "").trim());
    }

    public String connectString() {
        return connectString;
    }

    public CoordClient client() {
        return client(ClientOptions.builder().sessionTimeoutMs(4000).connectionTimeoutMs(5000)
                .retryPolicy(new RetryNTimes(10, 100)).build());
    }

    /** A client with a short session and a fault injector, for expiry and connection-loss tests. */
    public CoordClient faultyClient(FaultInjector faults) {
        return client(ClientOptions.builder().sessionTimeoutMs(SHORT_SESSION_MS).connectionTimeoutMs(5000)
                .retryPolicy(new RetryNTimes(10, 100)).faultInjector(faults).build());
    }

    public synchronized CoordClient client(ClientOptions options) {
        CoordClient c = CoordClient.connect(connectString(), options);
        clients.add(c);
        return c;
    }

    /**
     * Kills a client without closing its session, as a crashed process would: the socket is
     * closed without a closeSession, and the server expires the session after its timeout.
     */
    public static void crash(CoordClient client, FaultInjector faults) {
        faults.crash();
        client.close();
    }

    @Override
    public synchronized void close() {
        for (CoordClient c : clients) {
            c.close();
        }
        clients.clear();
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the test server", e);
        }
    }
}
