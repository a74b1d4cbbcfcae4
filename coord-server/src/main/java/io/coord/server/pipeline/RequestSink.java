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

    /** What happened to a client connection before its handshake, for ZooKeeper's connection figures. */
    enum ConnectionEvent {
        /** Closed at once for maxClientCnxns or maxCnxns: connection_rejected. */
        REJECTED,
        /** A TLS handshake started (outstanding_tls_handshake counts those not ended). */
        TLS_HANDSHAKE_STARTED,
        TLS_HANDSHAKE_DONE,
        /** A TLS handshake failed or was cut off: unsuccessful_handshake (and auth_failed_count, as ZooKeeper). */
        TLS_HANDSHAKE_FAILED,
        /** A TLS client's certificate was refused for x509 auth (auth_failed_count, as ZooKeeper). */
        X509_REFUSED,
        /** A plaintext client from this machine, or from another: non_mtls_local/remote_conn_count. */
        PLAINTEXT_LOCAL,
        PLAINTEXT_REMOTE
    }

    /** A client connection's {@code event}. Any thread (I/O threads). */
    default void connectionEvent(ConnectionEvent event) {
    }

    /** A request after the handshake; {@code body} is null for ops without one (ping, closeSession). */
    void request(ClientChannel channel, RequestHeader header, JuteRecord body);

    /** A four-letter word other than ruok; the answer is sent and the connection closed. */
    void fourLetterWord(ClientChannel channel, String word);

    void disconnected(ClientChannel channel);
}
