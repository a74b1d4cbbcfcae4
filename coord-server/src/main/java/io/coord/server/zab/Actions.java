package io.coord.server.zab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the adapter must do after one input, in this order: execute {@link #storage()} ops (in seq
 * order; durability is reported later through {@link ZabCore#onPersisted(long)}), apply
 * {@link #applies()} to the state machine in order, then send {@link #sends()}. Role changes and
 * sync completions are notifications for the request pipeline; so are {@link #configChanges()}: the
 * committed configurations this member took, oldest first (the adapter updates its member addresses
 * and its dynamic configuration file; the tree learns a change from the applied reconfig txn).
 *
 * @param proposedZxid   zxid given to the txn by {@link ZabCore#propose(byte[])}, or -1
 * @param rejection      why a propose/sync was refused, or {@link Rejection#NONE}
 * @param leaderHint     the leader this member follows (for redirecting a refused request), or -1
 */
public record Actions(List<Send> sends, List<StorageOp> storage, List<LogEntry> applies,
                      List<RoleChange> roleChanges, List<Long> syncsCompleted, List<Long> syncsFailed,
                      List<Membership> configChanges, long proposedZxid, Rejection rejection, long leaderHint) {

    /** One message to one member. */
    public record Send(long to, ZabMessage message) {
    }

    /**
     * Reason a client request was not accepted by this member. The last two answer a reconfig only
     * (ZooKeeper's RECONFIGINPROGRESS and NEWCONFIGNOQUORUM).
     */
    public enum Rejection { NONE, NOT_LEADER, NOT_SERVING, RECONFIG_IN_PROGRESS, NEW_CONFIG_NO_QUORUM }

    public static final Actions NONE = new Builder().build();

    public boolean isEmpty() {
        return sends.isEmpty() && storage.isEmpty() && applies.isEmpty() && roleChanges.isEmpty()
                && syncsCompleted.isEmpty() && syncsFailed.isEmpty() && configChanges.isEmpty() && proposedZxid < 0
                && rejection == Rejection.NONE;
    }

    /**
     * Accumulates the effects of one input. Not thread-safe; one per input, discarded after
     * {@link #build()}, so build hands its lists over without copying. Most inputs (an ack, a
     * commit) fill one or two of the seven lists: the others stay unallocated.
     */
    static final class Builder {
        private List<Send> sends;
        private List<StorageOp> storage;
        private List<LogEntry> applies;
        private List<RoleChange> roleChanges;
        private List<Long> syncsCompleted;
        private List<Long> syncsFailed;
        private List<Membership> configChanges;
        private long proposedZxid = -1;
        private Rejection rejection = Rejection.NONE;
        private long leaderHint = -1;
        private boolean built;

        void send(long to, ZabMessage message) {
            sends = add(sends, new Send(to, message));
        }

        void storage(StorageOp op) {
            storage = add(storage, op);
        }

        void apply(LogEntry entry) {
            applies = add(applies, entry);
        }

        void role(RoleChange change) {
            roleChanges = add(roleChanges, change);
        }

        void syncCompleted(long id) {
            syncsCompleted = add(syncsCompleted, id);
        }

        void syncFailed(long id) {
            syncsFailed = add(syncsFailed, id);
        }

        void configChanged(Membership m) {
            configChanges = add(configChanges, m);
        }

        void proposed(long zxid) {
            proposedZxid = zxid;
        }

        void reject(Rejection why, long hint) {
            rejection = why;
            leaderHint = hint;
        }

        private <T> List<T> add(List<T> list, T item) {
            if (built) {
                throw new IllegalStateException("this builder was already built");
            }
            List<T> l = list == null ? new ArrayList<>(4) : list;
            l.add(item);
            return l;
        }

        Actions build() {
            built = true;
            return new Actions(frozen(sends), frozen(storage), frozen(applies), frozen(roleChanges),
                    frozen(syncsCompleted), frozen(syncsFailed), frozen(configChanges), proposedZxid, rejection,
                    leaderHint);
        }

        private static <T> List<T> frozen(List<T> list) {
            return list == null ? List.of() : Collections.unmodifiableList(list);
        }
    }
}
