package io.coord.server;

import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A running Coord server. {@link #start(ServerConfig)} recovers state from dataDir, binds the
 * client port and returns once clients can be served; {@link #close()} stops it and releases
 * every thread, socket and file.
 */
public final class CoordServer implements AutoCloseable {

    private CoordServer() {
    }

    public static CoordServer start(ServerConfig config) throws IOException {
        throw new UnsupportedOperationException("not yet: standalone server wiring (issue 2)");
    }

    /** The bound client port (useful when the config asked for port 0). */
    public int clientPort() {
        throw new UnsupportedOperationException();
    }

    public InetSocketAddress clientAddress() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
