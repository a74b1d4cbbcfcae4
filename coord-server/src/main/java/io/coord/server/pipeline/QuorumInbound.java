package io.coord.server.pipeline;

import io.coord.server.zab.ZabMessage;

/**
 * Incoming side of the member-to-member transport; called on I/O threads, must only queue work
 * (never block). The transport stops reading a link while {@link #backlog()} is past its
 * high-water mark.
 */
public interface QuorumInbound {
    /** The request thread's backlog, which paces reading from member links. */
    Backlog backlog();

    void onZab(long from, ZabMessage message);

    void onForward(long from, ForwardedRequest request);

    void onTouch(long from, long[] sessionIds);

    /** The connection to {@code peer} closed (it may reconnect later). */
    void onPeerDown(long peer);
}
