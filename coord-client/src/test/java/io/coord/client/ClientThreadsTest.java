package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.ExistsResponse;
import io.coord.wire.OpCode;
import io.coord.wire.RequestHeader;
import io.coord.wire.Stat;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Thread ownership: shared event loops, custom callback executors, blocking calls on our threads. */
class ClientThreadsTest {
    private FakeServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeServer((conn, index) -> {
            conn.readConnect();
            conn.accept(0x100 + index, 4000);
            while (true) {
                RequestHeader h = conn.readHeader();
                if (h.type() == OpCode.CLOSE_SESSION) {
                    conn.reply(h.xid(), 1, 0, null);
                    conn.close();
                    return;
                }
                conn.reply(h.xid(), 1, 0, h.type() == OpCode.PING ? null : new ExistsResponse(Stat.EMPTY));
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        assertEquals(java.util.List.of(), server.errors);
    }

    @Test
    void clientsShareAnEventLoopGroupTheyDoNotShutDown() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService callbacks = Executors.newSingleThreadExecutor();
        try {
            ClientOptions options = ClientOptions.builder().eventLoopGroup(group).callbackExecutor(callbacks).build();
            try (CoordClient a = CoordClient.connect(server.connectString(), options);
                 CoordClient b = CoordClient.connect(server.connectString(), options)) {
                assertEquals(Stat.EMPTY, a.exists("/x"));
                assertEquals(Stat.EMPTY, b.exists("/x"));
                assertTrue(a.sessionId() != b.sessionId());
            }
            assertFalse(group.isShuttingDown());
            assertFalse(callbacks.isShutdown());
        } finally {
            callbacks.shutdownNow();
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void blockingCallOnTheCallbackThreadFailsInsteadOfDeadlocking() throws Exception {
        try (CoordClient c = CoordClient.connect(server.connectString(), ClientOptions.defaults())) {
            // Park the callback thread first: futures complete on it, so "/x" cannot complete before
            // whenComplete is attached (else the callback would run on this test thread instead).
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            c.existsAsync("/block").whenComplete((stat, e) -> {
                parked.countDown();
                awaitQuietly(release);
            });
            assertTrue(parked.await(5, TimeUnit.SECONDS));
            CompletableFuture<Throwable> seen = new CompletableFuture<>();
            CompletableFuture<Stat> x = c.existsAsync("/x");
            assertFalse(x.isDone());
            x.whenComplete((stat, e) -> {
                try {
                    c.exists("/y");
                    seen.complete(null);
                } catch (Throwable t) {
                    seen.complete(t);
                }
            });
            release.countDown();
            assertInstanceOf(IllegalStateException.class, seen.get(5, TimeUnit.SECONDS));
            c.existsAsync("/z").thenCompose(s -> c.existsAsync("/w")).get(5, TimeUnit.SECONDS);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
