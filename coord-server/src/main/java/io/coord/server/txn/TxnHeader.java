package io.coord.server.txn;

/**
 * Header of a logged txn: who asked (session, client xid), its zxid, the leader's wall-clock time
 * when it was prepared (the ctime/mtime it stamps) and the request's op code
 * ({@link io.coord.wire.OpCode}, e.g. create2 vs create; informational, the txn body has its own tag).
 */
public record TxnHeader(long sessionId, int cxid, long zxid, long timeMs, int type) {
}
