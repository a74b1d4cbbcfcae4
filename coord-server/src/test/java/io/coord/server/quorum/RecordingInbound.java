package io.coord.server.quorum;

import io.coord.server.pipeline.Backlog;
import io.coord.server.pipeline.ForwardedRequest;
import io.coord.server.pipeline.NeverBacklogged;
import io.coord.server.pipeline.QuorumInbound;
import io.coord.server.zab.ZabMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member's inbound side for tests of one member link ({@link QuorumTransport} without the
 * pipeline): counts the ZAB messages that arrive and records the peers that go down; forwarded
 * requests and touches are dropped. Its backlog is never over the high water mark unless the test
 * gives one.
 */
final class RecordingInbound implements QuorumInbound {
    final AtomicInteger zabReceived = new AtomicInteger();
    final List<Long> peersDown = new CopyOnWriteArrayList<>();
    private final Backlog backlog;

    RecordingInbound() {
        this(NeverBacklogged.INSTANCE);
    }

    RecordingInbound(Backlog backlog) {
        this.backlog = backlog;
    }

    @Override
    public Backlog backlog() {
        return backlog;
    }

    @Override
    public void onZab(long from, ZabMessage message) {
        zabReceived.incrementAndGet();
    }

    @Override
    public void onForward(long from, ForwardedRequest request) {
    }

    @Override
    public void onTouch(long from, long[] sessionIds) {
    }

    @Override
    public void onPeerDown(long peer) {
        peersDown.add(peer);
    }
}
