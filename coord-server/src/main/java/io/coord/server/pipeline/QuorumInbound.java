package io.coord.server.pipeline;

import io.coord.server.zab.ZabMessage;

/** Incoming side of the member-to-member transport; called on I/O threads, must only queue work. */
public interface QuorumInbound {
    void onZab(long from, ZabMessage message);

    void onForward(long from, ForwardedRequest request);

    void onTouch(long from, long[] sessionIds);

    /** The connection to {@code peer} closed (it may reconnect later). */
    void onPeerDown(long peer);
}
