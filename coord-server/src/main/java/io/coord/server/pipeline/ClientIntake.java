package io.coord.server.pipeline;

import io.coord.wire.ConnectRequest;
import io.coord.wire.JuteRecord;
import io.coord.wire.RequestHeader;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The I/O-thread side of a pipeline, written once: keeps the connection table, counts queued
 * requests for back-pressure and turns each packet into a task for the request thread, where the
 * subclass handles it.
 */
abstract class ClientIntake implements RequestSink {
    /** Every client connection, by channel; read by the request thread (four-letter words, drops). */
    final Map<ClientChannel, Connection> connections = new ConcurrentHashMap<>();

    /** Queues a task for the request thread. */
    abstract void submit(Runnable task);

    /** Monotonic nanoseconds stamped on each request on arrival (the injected clock). */
    abstract long nowNanos();

    /** Request thread: a handshake. */
    abstract void onConnect(Connection conn, ConnectRequest request);

    /** Request thread: a request after the handshake. */
    abstract void onRequest(Connection conn, Request request);

    /** Request thread: a four-letter word. */
    abstract void onFourLetterWord(ClientChannel channel, String word);

    /** Request thread: the connection is gone. */
    abstract void onDisconnected(Connection conn);

    @Override
    public final void connect(ClientChannel channel, ConnectRequest request) {
        Connection conn = connections.computeIfAbsent(channel, Connection::new);
        submit(() -> onConnect(conn, request));
    }

    @Override
    public final void request(ClientChannel channel, RequestHeader header, JuteRecord body) {
        Connection conn = connections.get(channel);
        if (conn == null) {
            return;
        }
        Request req = new Request(header.xid(), header.type(), body, nowNanos());
        conn.enqueued();
        submit(() -> {
            conn.dequeued();
            onRequest(conn, req);
        });
    }

    @Override
    public final void fourLetterWord(ClientChannel channel, String word) {
        submit(() -> onFourLetterWord(channel, word));
    }

    @Override
    public final void disconnected(ClientChannel channel) {
        Connection conn = connections.remove(channel);
        if (conn != null) {
            submit(() -> onDisconnected(conn));
        }
    }

    /** At shutdown, after the request thread stopped. */
    final void closeConnections() {
        for (Connection c : connections.values()) {
            c.channel.close("server shutting down");
        }
    }
}
