package io.coord.server.net;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that closes must close every client connection, so clients move on at once: an
 * in-process member once stopped with a just-attached client's socket still open, and that client
 * heard nothing until its own read timeout.
 */
class ClientServerCloseTest {

    private static final int CONNECTIONS = 40;
    private static final int READ_TIMEOUT_MS = 3_000;

    @Test
    void closingTheServerClosesEveryClientConnection(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).tickTimeMs(200).maxClientCnxns(0).build();
        List<Socket> sockets = new ArrayList<>();
        try {
            CoordServer server = CoordServer.start(config);
            int port = server.clientPort();
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
                socket.setSoTimeout(READ_TIMEOUT_MS);
                sockets.add(socket);
            }
            server.close();
            for (int i = 0; i < sockets.size(); i++) {
                assertTrue(closedByServer(sockets.get(i)), "connection " + i + " was left open");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** True on end of stream or a reset; false when nothing came within the read timeout. */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            int b = socket.getInputStream().read();
            if (b != -1) {
                fail("unexpected byte from a server that was never spoken to: " + b);
            }
            return true;
        } catch (SocketTimeoutException silent) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }
}
