package io.coord.server.pipeline;

import java.net.InetAddress;

/**
 * The request thread's view of one client connection. Implemented by the network layer; every
 * method is safe to call from the request thread.
 */
public interface ClientChannel {
    /** A process-unique id, for logs and four-letter words. */
    long id();

    /** Queues a framed packet (length prefix included); {@link #flush()} sends what is queued. */
    void send(byte[] framedPacket);

    void flush();

    /** Closes the connection; the network layer then reports it as disconnected. */
    void close(String reason);

    InetAddress remoteAddress();

    /** "host:port" for logs. */
    String describe();

    /** Stops reading from the socket while too many requests are outstanding (back-pressure). */
    void setReadable(boolean readable);

    /**
     * The subject of the certificate the client presented in its TLS handshake, as an RFC 2253
     * string (what ZooKeeper's x509 scheme uses as the id), or null: no TLS, or no certificate.
     */
    default String peerCertificateSubject() {
        return null;
    }
}
