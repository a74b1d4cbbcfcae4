package io.coord.server.pipeline;

import io.coord.wire.ConnectRequest;
import io.coord.wire.JuteRecord;
import io.coord.wire.RequestHeader;

/**
 * What the network layer hands decoded packets to. Implementations queue the work for the request
 * thread; every method returns quickly and never blocks an I/O thread. The network layer stops
 * reading a connection that delivers a request while {@link #backlog()} is past its high-water mark.
 */
public interface RequestSink {
    /** The request thread's backlog, which paces reading from client connections. */
    Backlog backlog();

    void connect(ClientChannel channel, ConnectRequest request);

    /** A client packet of {@code bytes} bytes (length prefix included) was read: ZooKeeper's bytes_received_count. Any thread. */
    default void bytesReceived(int bytes) {
    }

    /** A connection was closed at once for maxClientCnxns or maxCnxns: ZooKeeper's connection_rejected. Any thread. */
    default void connectionRejected() {
    }

    /** A request after the handshake; {@code body} is null for ops without one (ping, closeSession). */
    void request(ClientChannel channel, RequestHeader header, JuteRecord body);

    /** A four-letter word other than ruok; the answer is sent and the connection closed. */
    void fourLetterWord(ClientChannel channel, String word);

    void disconnected(ClientChannel channel);
}
