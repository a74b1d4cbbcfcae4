package io.coord.server.pipeline;

/**
 * Decides when to snapshot: after about snapCount txns (randomised per server so members of an
 * ensemble do not all snapshot at once, as ZooKeeper does) and never two at a time.
 */
public interface SnapshotTrigger {
    /** A txn was applied and queued for the log. Request thread. */
    void txnLogged(long zxid);

    /** End of a batch: start a background snapshot if one is due. Request thread. */
    void maybeStart();

    /**
     * Txns after durableZxid were rolled back (disk full): a snapshot that would hold them must
     * not be written, and their zxids will be used again. Request thread.
     */
    void rolledBack(long durableZxid);

    SnapshotTrigger NONE = new SnapshotTrigger() {
        @Override
        public void txnLogged(long zxid) {
        }

        @Override
        public void rolledBack(long durableZxid) {
        }

        @Override
        public void maybeStart() {
        }
    };
}
