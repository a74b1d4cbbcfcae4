package io.coord.recipes.examples;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;

/** For the examples: the connect string given as the first argument, or a throw-away local server. */
final class ExampleServer implements AutoCloseable {
    private final CoordServer server;
    private final String connectString;

    private ExampleServer(CoordServer server, String connectString) {
        this.server = server;
        this.connectString = connectString;
    }

    static ExampleServer from(String[] args) throws IOException {
        if (args.length > 0) {
            return new ExampleServer(null, args[0]);
        }
        CoordServer s = CoordServer.start(ServerConfig.builder(Files.createTempDirectory("coord-example"))
                .clientPort(0).build());
        return new ExampleServer(s, "127.0.0.1:" + s.clientPort());
    }

    String connectString() {
        return connectString;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
