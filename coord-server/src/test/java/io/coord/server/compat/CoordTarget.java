package io.coord.server.compat;

import io.coord.server.CoordServer;
import io.coord.server.config.AuthConfig;
import io.coord.server.config.AuthKeys;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Coord run in-process on a temporary data directory and a free port. */
final class CoordTarget extends InProcessTarget {

    private final AuthConfig auth;
    private final UnaryOperator<ServerConfig.Builder> tweak;
    private CoordServer server;

    private CoordTarget(AuthConfig auth, UnaryOperator<ServerConfig.Builder> tweak) throws IOException {
        super("coord-compat-");
        this.auth = auth;
        this.tweak = tweak;
    }

    static CoordTarget start() throws Exception {
        return start(Map.of(), UnaryOperator.identity());
    }

    /** With the auth settings among {@code serverKeys} (zoo.cfg keys) and {@code tweak} applied to the config. */
    static CoordTarget start(Map<String, String> serverKeys, UnaryOperator<ServerConfig.Builder> tweak)
            throws Exception {
        return started(new CoordTarget(AuthKeys.parse(TestTarget.properties(serverKeys)), tweak));
    }

    @Override
    int startServer(Path dataDir, int requestedPort) throws IOException {
        ServerConfig config = tweak.apply(ServerConfig.builder(dataDir)
                .clientPort(requestedPort)
                .tickTimeMs(TICK_TIME_MS)
                .fourLetterWords(Set.of("*"))
                .extendedTypesEnabled(true)
                .containerCheckIntervalMs(CONTAINER_CHECK_INTERVAL_MS)
                .maxClientCnxns(0)
                .auth(auth))
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
