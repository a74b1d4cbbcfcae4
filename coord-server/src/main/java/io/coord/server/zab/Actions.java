package io.coord.server.zab;

import java.util.ArrayList;
import java.util.List;

/**
 * What the adapter must do after one input, in this order: execute {@link #storage()} ops (in seq
 * order; durability is reported later through {@link ZabCore#onPersisted(long)}), apply
 * {@link #applies()} to the state machine in order, then send {@link #sends()}. Role changes and
 * sync completions are notifications for the request pipeline.
 *
 * @param proposedZxid   zxid given to the txn by {@link ZabCore#propose(byte[])}, or -1
 * @param rejection      why a propose/sync was refused, or {@link Rejection#NONE}
 * @param leaderHint     the leader this member follows (for redirecting a refused request), or -1
 */
public record Actions(List<Send> sends, List<StorageOp> storage, List<LogEntry> applies,
                      List<RoleChange> roleChanges, List<Long> syncsCompleted, List<Long> syncsFailed,
                      long proposedZxid, Rejection rejection, long leaderHint) {

    /** One message to one member. */
    public record Send(long to, ZabMessage message) {
    }

    /** Reason a client request was not accepted by this member. */
    public enum Rejection { NONE, NOT_LEADER, NOT_SERVING }

    public static final Actions NONE = new Builder().build();

    public boolean isEmpty() {
        return sends.isEmpty() && storage.isEmpty() && applies.isEmpty() && roleChanges.isEmpty()
                && syncsCompleted.isEmpty() && syncsFailed.isEmpty() && proposedZxid < 0
                && rejection == Rejection.NONE;
    }

    /** Accumulates the effects of one input. Not thread-safe; one per input. */
    static final class Builder {
        private final List<Send> sends = new ArrayList<>();
        private final List<StorageOp> storage = new ArrayList<>();
        private final List<LogEntry> applies = new ArrayList<>();
        private final List<RoleChange> roleChanges = new ArrayList<>();
        private final List<Long> syncsCompleted = new ArrayList<>();
        private final List<Long> syncsFailed = new ArrayList<>();
        private long proposedZxid = -1;
        private Rejection rejection = Rejection.NONE;
        private long leaderHint = -1;

        void send(long to, ZabMessage message) {
            sends.add(new Send(to, message));
        }

        void storage(StorageOp op) {
            storage.add(op);
        }

        void apply(LogEntry entry) {
            applies.add(entry);
        }

        void role(RoleChange change) {
            roleChanges.add(change);
        }

        void syncCompleted(long id) {
            syncsCompleted.add(id);
        }

        void syncFailed(long id) {
            syncsFailed.add(id);
        }

        void proposed(long zxid) {
            proposedZxid = zxid;
        }

        void reject(Rejection why, long hint) {
            rejection = why;
            leaderHint = hint;
        }

        Actions build() {
            return new Actions(List.copyOf(sends), List.copyOf(storage), List.copyOf(applies),
                    List.copyOf(roleChanges), List.copyOf(syncsCompleted), List.copyOf(syncsFailed),
                    proposedZxid, rejection, leaderHint);
        }
    }
}
