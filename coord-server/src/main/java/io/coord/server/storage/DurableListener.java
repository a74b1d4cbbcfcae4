package io.coord.server.storage;

/**
 * Told by the {@link GroupCommitter} log thread what is on disk. Called on the log thread, so
 * implementations must be quick and must not block (typically they hand the zxid to the request
 * thread).
 */
public interface DurableListener {

    /** Every submitted record with zxid &lt;= highestDurableZxid has been forced to disk. */
    void onDurable(long highestDurableZxid);

    /**
     * The disk is full: every record submitted after {@code durableZxid} was dropped (it is in no
     * file, and never will be). The log thread now discards whatever is queued until the owner
     * has undone those records and calls {@link GroupCommitter#resume()}; the owner must submit
     * nothing more until {@link #onSpaceAvailable()}.
     */
    void onDiskFull(long durableZxid);

    /** After {@link #onDiskFull}: enough space is free again, records may be submitted. */
    void onSpaceAvailable();

    /**
     * The log thread hit an error and stopped. No further {@link #onDurable} call will ever be
     * made; records submitted but not yet reported durable must be treated as lost.
     */
    void onFailure(Throwable cause);
}
