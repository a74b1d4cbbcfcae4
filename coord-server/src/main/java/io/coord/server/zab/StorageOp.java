package io.coord.server.zab;

/**
 * A durable storage instruction. Each op carries a sequence number, increasing by one per op and
 * per core incarnation. The adapter must execute ops in sequence order and report durability via
 * {@link ZabCore#onPersisted(long)} with the highest seq such that it and every earlier op are durable.
 */
public sealed interface StorageOp {
    long seq();

    /** Append one transaction to the log. */
    record AppendTxn(long seq, long zxid, byte[] data) implements StorageOp {
    }

    /** Remove every log entry with zxid greater than {@code afterZxid}. Never cuts applied entries. */
    record Truncate(long seq, long afterZxid) implements StorageOp {
    }

    /**
     * Replace the state machine by {@code state} (taken at {@code zxid}) and discard the whole log;
     * later appends continue after {@code zxid}. The in-memory state machine must be replaced when the
     * op is taken (before later applies); durability follows in seq order.
     */
    record InstallSnapshot(long seq, long zxid, byte[] state) implements StorageOp {
    }

    /** Durably record both epochs (ZooKeeper's acceptedEpoch / currentEpoch files). */
    record PersistEpochs(long seq, long acceptedEpoch, long currentEpoch) implements StorageOp {
    }
}
