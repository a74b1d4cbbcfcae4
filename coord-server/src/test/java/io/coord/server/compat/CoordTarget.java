package io.coord.server.compat;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Coord run in-process on a temporary data directory and a free port. */
final class CoordTarget implements TestTarget {

    private final Path dataDir;
    private CoordServer server;
    private int port;

    private CoordTarget(Path dataDir) {
        this.dataDir = dataDir;
    }

    static CoordTarget start() throws IOException {
        CoordTarget target = new CoordTarget(Files.createTempDirectory("coord-compat-"));
        try {
            target.startServer(0);
        } catch (IOException | RuntimeException e) {
            target.close();
            throw e;
        }
        return target;
    }

    private void startServer(int requestedPort) throws IOException {
        ServerConfig config = ServerConfig.builder(dataDir)
                .clientPort(requestedPort)
                .tickTimeMs(TICK_TIME_MS)
                .fourLetterWords(Set.of("*"))
                .extendedTypesEnabled(true)
                .containerCheckIntervalMs(CONTAINER_CHECK_INTERVAL_MS)
                .maxClientCnxns(0)
                .build();
        server = CoordServer.start(config);
        port = server.clientPort();
    }

    @Override
    public String name() {
        return "coord";
    }

    @Override
    public int clientPort() {
        return port;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void startAgain() throws IOException {
        if (server != null) {
            throw new IllegalStateException("coord is running");
        }
        startServer(port);
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            TempDirs.deleteRecursively(dataDir);
        }
    }
}
