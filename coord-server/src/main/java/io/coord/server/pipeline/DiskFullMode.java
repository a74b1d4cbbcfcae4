package io.coord.server.pipeline;

import io.coord.server.txn.TxnEntry;
import io.coord.wire.OpCode;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A full log disk on the only voter (nobody else could carry on, so the member stays up): the
 * proposals the log lost are failed back to their clients, later writes are refused until there is
 * room, and session expiries (a close no client waits for) wait to be proposed again. Reads and
 * sessions are served all along. Request-thread only; {@link EnsembleProcessor} decides when.
 */
final class DiskFullMode {
    private final EnsembleClients clients;
    private boolean full;
    /** Server-issued writes (session expiries) that wait for room. */
    private final ArrayDeque<ForwardedRequest> deferred = new ArrayDeque<>();

    DiskFullMode(EnsembleClients clients) {
        this.clients = clients;
    }

    boolean isFull() {
        return full;
    }

    /**
     * The log lost its appends after {@code durableZxid}: those proposals were never committed (the
     * only voter acks what its log made durable), so never applied, and their clients are answered.
     *
     * @return how many proposals were lost
     */
    int enter(EnsembleLeader leader, long durableZxid) {
        full = true;
        int lost = 0;
        for (TxnEntry e : leader.dropProposedAfter(durableZxid)) {
            refuse(e.header().sessionId(), e.header().cxid(), e.header().type());
            lost++;
        }
        return lost;
    }

    /** The log has room again: the waiting expiries go to {@code leader} (dropped when not leading). */
    void leave(EnsembleLeader leader) {
        full = false;
        while (leader != null && !deferred.isEmpty()) {
            leader.enqueue(deferred.poll());
        }
        deferred.clear();
    }

    /** While full: client writes are refused, session expiries wait, expired-node deletes are dropped. */
    void refuseQueued(EnsembleLeader leader) {
        while (leader.hasWork()) {
            ForwardedRequest f = leader.poll();
            // (Not told apart by origin: a standalone member's id, the origin of its clients' writes, is 0 too.)
            if (f.type() != OpCode.DELETE_CONTAINER) { // an expired container or TTL node: the next scan finds it again
                refuse(f.sessionId(), f.cxid(), f.type());
            }
        }
    }

    /** A write the log did not take: its client is answered; a lost expiry is proposed again later. */
    private void refuse(long sessionId, int cxid, int type) {
        if (!clients.writeFailed(sessionId, cxid, type, WriteReplies.DISK_FULL) && type == OpCode.CLOSE_SESSION) {
            deferred.add(ForwardedRequest.local(0, sessionId, 0, OpCode.CLOSE_SESSION, null, List.of(), null));
        }
    }
}
