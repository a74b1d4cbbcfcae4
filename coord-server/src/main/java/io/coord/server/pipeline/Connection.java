package io.coord.server.pipeline;

import io.coord.server.auth.SaslAuthenticator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request thread's state for one client connection: its session once the handshake is done,
 * counters for four-letter words, and back-pressure. It is also the watcher key: ZooKeeper watches
 * belong to a connection, and a reconnecting client re-registers them with setWatches.
 */
final class Connection {
    /** Requests queued for the request thread beyond which we stop reading the socket. */
    static final int MAX_QUEUED = 1000;
    private static final int RESUME_AT = MAX_QUEUED / 2;

    final ClientChannel channel;
    /** Requests accepted from the socket and not yet processed; touched by I/O and request threads. */
    private final AtomicInteger queued = new AtomicInteger();
    long sessionId;
    /** Bound to a read-only session (this member has lost its quorum): never forwards anything. */
    boolean readOnly;
    /**
     * Bound to a local session of this member (localSessionsEnabled) not upgraded yet: its session
     * lives in the member's local table, not the replicated one ({@link LocalSessions}).
     */
    boolean localSession;
    int timeoutMs;
    boolean closed;
    long received;
    long sent;
    long lastZxid;
    /** This connection's SASL exchange (SASL is per connection, as in ZooKeeper); null until one starts. */
    SaslAuthenticator.Exchange saslExchange;

    Connection(ClientChannel channel) {
        this.channel = channel;
    }

    void send(byte[] frame) {
        if (!closed) {
            channel.send(frame);
            sent++;
        }
    }

    void flush() {
        if (!closed) {
            channel.flush();
        }
    }

    /** Marks the connection closed (no more sends) and closes the socket. */
    void close(String reason) {
        if (!closed) {
            closed = true;
            channel.close(reason);
        }
    }

    /** I/O thread: one more request queued; stops reading when too many are. */
    void enqueued() {
        if (queued.incrementAndGet() == MAX_QUEUED) {
            channel.setReadable(false);
        }
    }

    /** Request thread: one queued request processed; resumes reading once the backlog halves. */
    void dequeued() {
        if (queued.decrementAndGet() == RESUME_AT) {
            channel.setReadable(true);
        }
    }

    int queued() {
        return queued.get();
    }

    /**
     * By the channel's id (equality stays identity): the pipeline's maps and sets of connections then
     * iterate in the same order on every run of the same inputs, which a deterministic simulation needs.
     */
    @Override
    public int hashCode() {
        return Long.hashCode(channel.id());
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(sessionId) + "@" + channel.describe();
    }
}
