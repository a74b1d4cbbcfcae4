package io.coord.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.TestPorts;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.ClientServer;
import io.coord.server.pipeline.Backlog;
import io.coord.server.pipeline.ClientChannel;
import io.coord.server.pipeline.NeverBacklogged;
import io.coord.server.pipeline.RequestSink;
import io.coord.wire.ConnectRequest;
import io.coord.wire.JuteRecord;
import io.coord.wire.RequestHeader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClientServer#rebindPlain}, what a member does when a reconfig moves its client address: only
 * the plaintext port moves, the secure port stays and still completes TLS handshakes, a connection
 * already open stays open, and a port in use leaves the old listener in place.
 */
class ClientServerRebindTest {

    @Test
    void onlyThePlaintextPortMoves(@TempDir Path dir) throws Exception {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        ServerConfig config = ConfigParser.parse(TlsFixture.serverProps(dir.resolve("data"), certs, "none"));
        ClientServer server = ClientServer.start(config, new IdleSink());
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int oldPort = server.localAddress().getPort();
            InetSocketAddress secure = server.secureAddress();
            Socket open = new Socket(InetAddress.getLoopbackAddress(), oldPort);

            // A port in use: false, and the old listener still takes connections.
            assertFalse(server.rebindPlain(new InetSocketAddress("127.0.0.1", taken.getLocalPort())));
            assertEquals(oldPort, server.localAddress().getPort());
            new Socket(InetAddress.getLoopbackAddress(), oldPort).close();

            int newPort = TestPorts.next();
            assertTrue(server.rebindPlain(new InetSocketAddress("127.0.0.1", newPort)));
            assertEquals(newPort, server.localAddress().getPort());
            new Socket(InetAddress.getLoopbackAddress(), newPort).close();
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), oldPort).close());
            assertTrue(server.rebindPlain(new InetSocketAddress("127.0.0.1", newPort)), "the bound address: nothing to do");

            assertEquals(secure, server.secureAddress());
            try (SSLSocket tls = (SSLSocket) TlsFixture.clientContext(certs, "clientA").getSocketFactory()
                    .createSocket("127.0.0.1", secure.getPort())) {
                tls.startHandshake();
            }
            // The connection accepted on the old port is still open: a read waits instead of meeting its end.
            open.setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, () -> open.getInputStream().read());
            open.close();
        } finally {
            server.close();
        }
        assertFalse(server.rebindPlain(new InetSocketAddress("127.0.0.1", TestPorts.next())), "closed: no new port");
    }

    /** Nothing is sent on these connections. */
    private static final class IdleSink implements RequestSink {
        @Override
        public Backlog backlog() {
            return NeverBacklogged.INSTANCE;
        }

        @Override
        public void connect(ClientChannel channel, ConnectRequest request) {
        }

        @Override
        public void request(ClientChannel channel, RequestHeader header, JuteRecord body) {
        }

        @Override
        public void fourLetterWord(ClientChannel channel, String word) {
        }

        @Override
        public void disconnected(ClientChannel channel) {
        }
    }
}
