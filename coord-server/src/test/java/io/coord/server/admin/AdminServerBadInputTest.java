package io.coord.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.TestPorts;
import io.coord.server.config.AdminConfig;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.NettyTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed or hostile HTTP gets a 4xx (or a closed connection) and the AdminServer keeps answering. */
class AdminServerBadInputTest {
    private CoordServer server;
    private AdminServer admin;

    @BeforeEach
    void start(@TempDir Path dir) throws IOException {
        ServerConfig config = ServerConfig.builder(dir).clientPort(TestPorts.next()).build();
        server = CoordServer.start(config);
        admin = AdminServer.start(AdminConfig.loopback(TestPorts.next()), NettyTransport.of("nio"),
                server.statusSource(), new CommandAnswers(config, "", () -> null));
    }

    @AfterEach
    void stop() {
        admin.close();
        server.close();
    }

    /** Sends raw bytes and returns the status line of the answer ("" when the server just closed). */
    private String raw(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", admin.port()), 2_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException closedWhileWriting) {
                return "";
            }
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void badRequestsGetA4xxAndTheServerKeepsServing() throws Exception {
        assertEquals("HTTP/1.1 400 Bad Request", raw(ascii("GET " + "/x".repeat(5000) + " HTTP/1.1\r\n\r\n")));
        assertEquals("HTTP/1.1 400 Bad Request",
                raw(ascii("GET /commands/ruok HTTP/1.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")));
        assertEquals("HTTP/1.1 413 Request Entity Too Large", raw(ascii("POST /commands/ruok HTTP/1.1\r\n"
                + "Content-Length: 100000\r\n\r\n" + "b".repeat(20_000))));
        assertEquals("HTTP/1.1 405 Method Not Allowed", raw(ascii("DELETE /commands/ruok HTTP/1.1\r\n"
                + "Connection: close\r\n\r\n")));
        assertEquals("HTTP/1.1 404 Not Found", raw(ascii("GET /elsewhere HTTP/1.1\r\nConnection: close\r\n\r\n")));
        String garbage = raw(new byte[] {0, 1, 2, 3, (byte) 0xff, '\r', '\n', '\r', '\n'});
        assertTrue(garbage.isEmpty() || garbage.startsWith("HTTP/1.1 400"), garbage);
        assertEquals(200, AdminHttp.get(admin.port(), "/commands/ruok").status());
    }

    /** Many connections at once: those past the limit are closed, and the server serves once they go. */
    @Test
    void connectionsAreBounded() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < AdminServer.MAX_CONNECTIONS + 10; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", admin.port()), 2_000);
                held.add(s);
            }
            // A connection past the limit is closed by the server: reading it ends at once.
            Socket last = held.get(held.size() - 1);
            last.setSoTimeout(5_000);
            assertEquals(-1, last.getInputStream().read());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> AdminHttp.get(admin.port(), "/commands/ruok").status() == 200);
    }

    /**
     * The figures (monitor, Prometheus scrapes) are read without per-watch work or the tree digest
     * (which, once asked for, the tree keeps up on every write); only wchc/wchp/hash read those.
     */
    @Test
    void summaryStatusDoesNoPerWatchWork() throws Exception {
        ServerStatus summary = server.statusSource().status(StatusSource.Scope.SUMMARY).get();
        assertEquals(null, summary.treeDigest());
        assertEquals(null, summary.watchedPathsBySession());
        ServerStatus detailed = server.statusSource().status(StatusSource.Scope.DETAILED).get();
        assertTrue(detailed.treeDigest() != null && detailed.watchedPathsBySession() != null);
        assertEquals(StatusSource.Scope.SUMMARY, AdminCommand.MONITOR.scope());
        assertEquals(StatusSource.Scope.DETAILED, AdminCommand.HASH.scope());
    }

    /** admin.idleTimeout: a connection that sends nothing is closed by the server. */
    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (AdminServer idle = AdminServer.start(new AdminConfig(true, "127.0.0.1", TestPorts.next(), "/commands", 300),
                NettyTransport.of("nio"), server.statusSource(), new CommandAnswers(
                        ServerConfig.builder(Path.of("/nonexistent")).build(), "", () -> null));
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", idle.port()), 2_000);
            s.setSoTimeout(10_000);
            long startNanos = System.nanoTime();
            assertEquals(-1, s.getInputStream().read());
            assertTrue(System.nanoTime() - startNanos >= 250_000_000L, "closed before the idle timeout");
        }
    }

    /** A server that does not answer (stopped) makes commands answer 503, not hang. */
    @Test
    void aStoppedServerAnswers503() throws Exception {
        try (AdminServer orphan = AdminServer.start(AdminConfig.loopback(TestPorts.next()), NettyTransport.of("nio"),
                reset -> CompletableFuture.failedFuture(new IllegalStateException("stopped")),
                new CommandAnswers(ServerConfig.builder(Path.of("/nonexistent")).build(), "", () -> null))) {
            AdminHttp.Answer a = AdminHttp.get(orphan.port(), "/commands/monitor");
            assertEquals(503, a.status());
            assertEquals("monitor", a.json().get("command").asText());
            // ruok needs nothing from the server.
            assertEquals(200, AdminHttp.get(orphan.port(), "/commands/ruok").status());
        }
    }
}
