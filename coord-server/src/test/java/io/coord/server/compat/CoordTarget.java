package io.coord.server.compat;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** Coord run in-process on a temporary data directory and a free port. */
final class CoordTarget extends InProcessTarget {

    private CoordServer server;

    private CoordTarget() throws IOException {
        super("coord-compat-");
    }

    static CoordTarget start() throws Exception {
        return started(new CoordTarget());
    }

    @Override
    int startServer(Path dataDir, int requestedPort) throws IOException {
        ServerConfig config = ServerConfig.builder(dataDir)
                .clientPort(requestedPort)
                .tickTimeMs(TICK_TIME_MS)
                .fourLetterWords(Set.of("*"))
                .extendedTypesEnabled(true)
                .containerCheckIntervalMs(CONTAINER_CHECK_INTERVAL_MS)
                .maxClientCnxns(0)
                .build();
        server = CoordServer.start(config);
        return server.clientPort();
    }

    @Override
    void stopServer() {
        server.close();
        server = null;
    }

    @Override
    public String name() {
        return "coord";
    }
}
