package io.coord.server.txn;

/** A decoded log record: header and body. */
public record TxnEntry(TxnHeader header, Txn txn) {
}
