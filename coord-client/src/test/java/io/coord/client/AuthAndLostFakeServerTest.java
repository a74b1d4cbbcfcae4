package io.coord.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.AuthPacket;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.ExistsResponse;
import io.coord.wire.JuteReader;
import io.coord.wire.OpCode;
import io.coord.wire.RequestHeader;
import io.coord.wire.Stat;
import io.coord.wire.Xids;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** addAuth, the locally declared LOST and the crash hook, against a scripted server. */
class AuthAndLostFakeServerTest {
    private static final byte[] BOB = "bob:pw".getBytes(StandardCharsets.UTF_8);

    private final List<ConnectRequest> handshakes = new CopyOnWriteArrayList<>();
    /** Per connection index, the requests it received in order: header and, for auth, the packet. */
    private final Map<Integer, List<Object>> received = new ConcurrentHashMap<>();
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    private final Map<ConnectionState, Long> stateNanos = new ConcurrentHashMap<>();
    private FakeServer server;
    private CoordClient client;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
            assertEquals(List.of(), server.errors);
        }
    }

    private CoordClient connect(ClientOptions.Builder options) {
        client = CoordClient.connect(server.connectString(),
                options.retryPolicy(RetryPolicy.NONE).connectionTimeoutMs(3000).build());
        client.addConnectionStateListener(s -> {
            stateNanos.putIfAbsent(s, System.nanoTime());
            states.add(s);
        });
        return client;
    }

    private void awaitStates(ConnectionState... expected) {
        await().atMost(Duration.ofSeconds(5)).until(() -> states.size() >= expected.length);
        assertEquals(List.of(expected), states);
    }

    /**
     * Serves one connection: records each request; answers auth with {@code authErr} (closing the
     * connection after a failure, as a server does), pings and exists; ends on close-session or EOF.
     */
    private void serve(FakeServer.Conn conn, int index, int authErr, boolean dropAfterAuth) throws Exception {
        List<Object> log = received.computeIfAbsent(index, i -> new CopyOnWriteArrayList<>());
        while (true) {
            JuteReader in = new JuteReader(conn.readFrame());
            RequestHeader h = RequestHeader.read(in);
            if (h.type() != OpCode.PING) {
                log.add(h.type());
            }
            if (h.type() == OpCode.AUTH) {
                log.add(AuthPacket.read(in));
                conn.reply(Xids.AUTH, 0, authErr, null);
                if (authErr != 0 || dropAfterAuth) {
                    conn.close();
                    return;
                }
            } else if (h.type() == OpCode.CLOSE_SESSION) {
                conn.reply(h.xid(), 0, 0, null);
                conn.close();
                return;
            } else {
                conn.reply(h.xid(), 1, 0, h.type() == OpCode.PING ? null : new ExistsResponse(Stat.EMPTY));
            }
        }
    }

    @Test
    void addAuthIsSentOnTheLiveConnectionThenFirstAfterEveryReconnect() throws Exception {
        server = new FakeServer((conn, index) -> {
            handshakes.add(conn.readConnect());
            conn.accept(0x20, 4000);
            serve(conn, index, 0, index == 0);
        });
        connect(ClientOptions.builder());
        client.addAuth("digest", BOB);
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertEquals(Stat.EMPTY, client.exists("/x"));

        assertEquals(List.of(OpCode.AUTH, new AuthPacket(0, "digest", BOB)), received.get(0));
        assertEquals(List.of(OpCode.AUTH, new AuthPacket(0, "digest", BOB), OpCode.EXISTS), received.get(1),
                "the credential goes first on the new connection");
        assertEquals(0x20, handshakes.get(1).sessionId());
    }

    @Test
    void rejectedAuthFailsTheCallAndIsNotSentAgain() throws Exception {
        server = new FakeServer((conn, index) -> {
            handshakes.add(conn.readConnect());
            conn.accept(0x21, 4000);
            serve(conn, index, index == 0 ? ErrorCode.AUTHFAILED.code() : 0, false);
        });
        connect(ClientOptions.builder());
        CoordException e = assertThrows(CoordException.AuthFailedException.class,
                () -> client.addAuth("bogus", BOB));
        assertEquals(ErrorCode.AUTHFAILED, e.code());
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertEquals(0x21, client.sessionId());
        assertEquals(Stat.EMPTY, client.exists("/x"));
        assertEquals(List.of(OpCode.EXISTS), received.get(1));
    }

    @Test
    void lostIsDeclaredLocallyAfterTheSessionTimeoutAndANewSessionFollows() throws Exception {
        FaultInjector faults = new FaultInjector();
        server = new FakeServer((conn, index) -> {
            handshakes.add(conn.readConnect());
            conn.accept(0x30 + index, 1000);
            serve(conn, index, 0, false);
        });
        connect(ClientOptions.builder().faultInjector(faults).maxPacketBytes(4096));
        assertEquals(4096, client.maxPacketBytes());
        faults.blockConnects(true);
        faults.dropConnection();
        awaitStates(ConnectionState.SUSPENDED);
        CompletableFuture<Stat> queued = client.existsAsync("/q");
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST);
        long suspendedForMs = TimeUnit.NANOSECONDS.toMillis(
                stateNanos.get(ConnectionState.LOST) - stateNanos.get(ConnectionState.SUSPENDED));
        assertTrue(suspendedForMs >= 900 && suspendedForMs < 3000, "LOST after " + suspendedForMs + " ms");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> queued.get(1, TimeUnit.SECONDS));
        assertInstanceOf(CoordException.SessionExpiredException.class, failed.getCause());
        assertEquals(0, client.sessionId());

        faults.blockConnects(false);
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.CONNECTED);
        assertEquals(0, handshakes.get(1).sessionId(), "a session declared LOST is never reattached");
        assertEquals(0x31, client.sessionId());
        assertEquals(Stat.EMPTY, client.exists("/x"));
    }

    @Test
    void crashClosesTheSocketWithoutClosingTheSession() throws Exception {
        FaultInjector faults = new FaultInjector();
        server = new FakeServer((conn, index) -> {
            handshakes.add(conn.readConnect());
            conn.accept(0x40, 4000);
            serve(conn, index, 0, false);
        });
        connect(ClientOptions.builder().faultInjector(faults));
        assertEquals(Stat.EMPTY, client.exists("/x"));
        faults.crash();
        awaitStates(ConnectionState.CLOSED);
        assertThrows(CoordException.RequestRejectedException.class, () -> client.exists("/x"));
        client.close();
        assertEquals(List.of(OpCode.EXISTS), received.get(0), "no closeSession was sent");
        assertEquals(1, server.connections.get());
        assertFalse(client.isConnected());
    }
}
