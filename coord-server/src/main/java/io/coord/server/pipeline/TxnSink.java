package io.coord.server.pipeline;

/** Where the request thread sends applied txns to be made durable (the log, or later the quorum). */
public interface TxnSink {
    /** Queues the txn; may block when the log is behind (back-pressure). */
    void submit(long zxid, byte[] txnBytes);
}
