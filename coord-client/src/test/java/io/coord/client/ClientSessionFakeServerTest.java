package io.coord.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.ConnectRequest;
import io.coord.wire.ExistsResponse;
import io.coord.wire.OpCode;
import io.coord.wire.RequestHeader;
import io.coord.wire.Stat;
import io.coord.wire.Xids;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Session behaviour against a scripted server: ordering, expiry, liveness, lastZxidSeen. */
class ClientSessionFakeServerTest {
    private final List<ConnectRequest> handshakes = new CopyOnWriteArrayList<>();
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();
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
        client.addConnectionStateListener(states::add);
        return client;
    }

    private void awaitStates(ConnectionState... expected) {
        await().atMost(Duration.ofSeconds(5)).until(() -> states.size() >= expected.length);
        assertEquals(List.of(expected), states);
    }

    private static void answerExists(FakeServer.Conn conn, long zxid) throws Exception {
        RequestHeader h = conn.readHeader();
        while (h.xid() == Xids.PING) {
            conn.reply(Xids.PING, 0, 0, null);
            h = conn.readHeader();
        }
        conn.reply(h.xid(), zxid, 0, new ExistsResponse(Stat.EMPTY));
    }

    @Test
    void outOfOrderReplyDropsTheConnectionAndTheSessionIsReattached() throws Exception {
        server = new FakeServer((conn, index) -> {
            handshakes.add(conn.readConnect());
            conn.accept(0x55, 4000);
            RequestHeader h = conn.readHeader();
            if (index == 0) {
                conn.reply(h.xid() + 100, 7, 0, new ExistsResponse(Stat.EMPTY));
                conn.readFrame(); // until the client hangs up
            } else {
                conn.reply(h.xid(), 8, 0, new ExistsResponse(Stat.EMPTY));
                conn.readFrame();
            }
        });
        connect(ClientOptions.builder());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.existsAsync("/a").get(5, TimeUnit.SECONDS));
        assertInstanceOf(CoordException.ConnectionLossException.class, e.getCause());
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertEquals(Stat.EMPTY, client.exists("/a"));
        assertEquals(2, handshakes.size());
        assertEquals(0, handshakes.get(0).sessionId());
        assertEquals(0x55, handshakes.get(1).sessionId());
        assertEquals(0x55, client.sessionId());
    }

    @Test
    void lastZxidSeenIsSentOnReconnect() throws Exception {
        server = new FakeServer((conn, index) -> {
            handshakes.add(conn.readConnect());
            conn.accept(0x66, 4000);
            if (index == 0) {
                answerExists(conn, 0x42);
                conn.write(new io.coord.wire.ReplyHeader(Xids.NOTIFICATION, 0x43, 0),
                        new io.coord.wire.WatcherEvent(3, 3, "/unwatched"));
                conn.close();
            } else {
                conn.readFrame();
            }
        });
        connect(ClientOptions.builder());
        client.exists("/a");
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertEquals(0x43, handshakes.get(1).lastZxidSeen());
    }

    @Test
    void expiredSessionIsLostAndANewSessionFollows() throws Exception {
        server = new FakeServer((conn, index) -> {
            ConnectRequest req = conn.readConnect();
            handshakes.add(req);
            if (index == 1) {
                conn.accept(0, 0); // expired
                conn.readFrame();
                return;
            }
            conn.accept(index == 0 ? 0x10 : 0x11, 4000);
            if (index == 0) {
                conn.readHeader();
                conn.close();
            } else {
                answerExists(conn, 1);
                conn.readFrame();
            }
        });
        connect(ClientOptions.builder());
        ExecutionException lost = assertThrows(ExecutionException.class,
                () -> client.existsAsync("/x").get(5, TimeUnit.SECONDS));
        assertInstanceOf(CoordException.ConnectionLossException.class, lost.getCause());
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.CONNECTED);
        assertEquals(0x10, handshakes.get(1).sessionId());
        assertEquals(0, handshakes.get(2).sessionId());
        assertEquals(0x11, client.sessionId());
        assertEquals(Stat.EMPTY, client.exists("/x"));
    }

    @Test
    void pingsWhenIdleAndDropsASilentServer() throws Exception {
        List<Long> pingsAtMs = new CopyOnWriteArrayList<>();
        server = new FakeServer((conn, index) -> {
            conn.readConnect();
            conn.accept(0x77, 900);
            long start = System.nanoTime();
            if (index == 0) {
                while (true) { // read pings, never answer
                    RequestHeader h = conn.readHeader();
                    if (h.type() == OpCode.PING) {
                        pingsAtMs.add((System.nanoTime() - start) / 1_000_000);
                    }
                }
            }
            conn.readFrame();
        });
        connect(ClientOptions.builder());
        // Pings every 300 ms of write idleness; no reply for 600 ms means the connection is lost.
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertTrue(!pingsAtMs.isEmpty(), "no ping before the drop");
        assertTrue(pingsAtMs.get(0) >= 250, "first ping too early: " + pingsAtMs);
    }

    @Test
    void oversizedPacketIsRefusedWithoutReachingTheServer() throws Exception {
        List<RequestHeader> seen = new CopyOnWriteArrayList<>();
        server = new FakeServer((conn, index) -> {
            conn.readConnect();
            conn.accept(0x88, 4000);
            while (true) {
                RequestHeader h = conn.readHeader();
                seen.add(h);
                conn.reply(h.xid(), 1, 0, h.type() == OpCode.PING ? null : new io.coord.wire.SetDataResponse(Stat.EMPTY));
            }
        });
        connect(ClientOptions.builder().maxPacketBytes(200));
        CoordException e = assertThrows(CoordException.RequestRejectedException.class,
                () -> client.setData("/a", new byte[300], -1));
        assertTrue(e.getMessage().contains("exceeds maxPacketBytes 200"), e.getMessage());
        assertEquals(Stat.EMPTY, client.setData("/a", new byte[100], -1));
        assertEquals(1, seen.stream().filter(h -> h.type() == OpCode.SET_DATA).count());
    }
}
