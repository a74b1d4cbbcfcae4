package io.coord.server.storage;

/** Receives log records during {@link TxnLog#replay}, in zxid order. */
@FunctionalInterface
public interface TxnConsumer {
    void accept(long zxid, byte[] txn);
}
