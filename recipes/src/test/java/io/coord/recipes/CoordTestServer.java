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

/** A real Coord server in-process plus the clients a test opens; closes them all. */
public final class CoordTestServer implements AutoCloseable {
    /** Short, so expiry tests are quick: the server clamps to [2, 20] ticks of 200 ms. */
    public static final int SHORT_SESSION_MS = 1200;
    private final CoordServer server;
    private final List<CoordClient> clients = new ArrayList<>();

    public CoordTestServer(Path dataDir) throws IOException {
        server = CoordServer.start(ServerConfig.builder(dataDir).clientPort(0).tickTimeMs(200)
                .containerCheckIntervalMs(200).build());
    }

    public String connectString() {
        return "127.0.0.1:" + server.clientPort();
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
        server.close();
    }
}
