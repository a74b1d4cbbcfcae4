package io.coord.clientit;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.nio.file.Path;

/** The Coord server, standalone, tickTime 200 ms, extended (TTL) types on. */
final class CoordItServer implements ClientItServer {
    private final Path dataDir;
    private int port;
    private CoordServer server;

    private CoordItServer(Path dataDir) {
        this.dataDir = dataDir;
    }

    static CoordItServer start(Path dataDir) throws Exception {
        CoordItServer s = new CoordItServer(dataDir);
        s.startAgain();
        return s;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public synchronized void startAgain() throws Exception {
        server = CoordServer.start(ServerConfig.builder(dataDir).clientPort(port).tickTimeMs(200)
                .extendedTypesEnabled(true).build());
        port = server.clientPort();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
