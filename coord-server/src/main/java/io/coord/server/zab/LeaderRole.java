package io.coord.server.zab;

import io.coord.server.zab.LearnerHandler.Phase;
import io.coord.server.zab.ZabMessage.Ack;
import io.coord.server.zab.ZabMessage.AckEpoch;
import io.coord.server.zab.ZabMessage.Commit;
import io.coord.server.zab.ZabMessage.FollowerInfo;
import io.coord.server.zab.ZabMessage.Inform;
import io.coord.server.zab.ZabMessage.LeaderInfo;
import io.coord.server.zab.ZabMessage.NewLeader;
import io.coord.server.zab.ZabMessage.Ping;
import io.coord.server.zab.ZabMessage.Propose;
import io.coord.server.zab.ZabMessage.SyncReply;
import io.coord.server.zab.ZabMessage.SyncRequest;
import io.coord.server.zab.ZabMessage.UpToDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.function.LongUnaryOperator;
import java.util.Set;

/**
 * Leader side of discovery (epoch), synchronisation and broadcast. The epoch is proposed once a quorum
 * reported its acceptedEpoch, and established once a quorum acked it; a follower whose history beats
 * ours among those acks makes us abandon. The new epoch serves once a quorum (with us) has durably
 * logged our history and the epoch (NEWLEADER acks); that same quorum commits the initial history.
 * Observers are synced and kept up to date like followers, but only with committed txns (the sync
 * bundle up to the commit point, then one INFORM per committed txn); nothing they say counts: not
 * their epochs, not their histories, not their acks.
 */
final class LeaderRole {
    private enum Phase0 { COLLECT, EPOCH_PROPOSED, SYNCING, BROADCAST }

    /** A linearizable sync waiting for a quorum to answer a ping round issued after it. */
    private record PendingSync(long syncId, long requester, long session, long round, long targetZxid) {
    }

    private final CoreContext ctx;
    private final LeaderSync sync;
    private final Map<Long, LearnerHandler> handlers = new HashMap<>();
    private final Map<Long, Long> infoEpochs = new HashMap<>();
    private final Set<Long> epochAckers = new HashSet<>();
    private final List<PendingSync> syncs = new ArrayList<>();
    private Phase0 phase = Phase0.COLLECT;
    private long epoch = -1;
    private final long startTick;
    private final long historyEpoch;
    private final long historyLastZxid;
    private long acceptFenceSeq = -1;
    private long currentFenceSeq = -1;
    private boolean acceptDurable;
    private boolean currentDurable;
    private long commitZxid = -1;
    private long pingRound;
    private boolean done;

    LeaderRole(CoreContext ctx) {
        this.ctx = ctx;
        this.sync = new LeaderSync(ctx);
        this.startTick = ctx.now;
        this.historyEpoch = ctx.currentEpoch;
        this.historyLastZxid = ctx.log.lastZxid();
    }

    long epoch() {
        return epoch;
    }

    /** Followers connected to this leader, in any phase (mntr's zk_learners). */
    int learnerCount() {
        return handlers.size();
    }

    /** Voting followers that completed their sync (mntr's zk_synced_followers). */
    int syncedFollowerCount() {
        return (int) handlers.values().stream().filter(h -> !h.observer && h.atLeast(Phase.SYNCED)
                && ctx.configs.isVoterInAny(h.sid)).count();
    }

    /** Followers that completed their sync but vote in no configuration in force. */
    int syncedNonVotingFollowerCount() {
        return (int) handlers.values().stream().filter(h -> !h.observer && h.atLeast(Phase.SYNCED)
                && !ctx.configs.isVoterInAny(h.sid)).count();
    }

    /** Observers that completed their sync (mntr's zk_synced_observers), by id. */
    SortedSet<Long> syncedObservers() {
        SortedSet<Long> ids = new TreeSet<>();
        handlers.values().stream().filter(h -> h.observer && h.atLeast(Phase.SYNCED)).forEach(h -> ids.add(h.sid));
        return ids;
    }

    /** Voting followers that completed their sync, by id, each with the highest zxid it acked (lag figures). */
    SortedMap<Long, Long> followerAckedZxids() {
        SortedMap<Long, Long> acked = new TreeMap<>();
        handlers.values().stream().filter(h -> !h.observer && h.atLeast(Phase.SYNCED) && ctx.configs.isVoterInAny(h.sid))
                .forEach(h -> acked.put(h.sid, h.ackedZxid));
        return acked;
    }

    /** Linearizable syncs waiting for a quorum (mntr's zk_pending_syncs). */
    int pendingSyncCount() {
        return syncs.size();
    }

    boolean isServing() {
        return phase == Phase0.BROADCAST;
    }

    boolean isDone() {
        return done;
    }

    long commitZxid() {
        return commitZxid;
    }

    void start(Actions.Builder out) {
        infoEpochs.put(ctx.myId(), ctx.acceptedEpoch);
        maybeProposeEpoch(out);
    }

    void stop(Actions.Builder out) {
        for (PendingSync s : syncs) {
            if (s.requester() == ctx.myId()) {
                out.syncFailed(s.syncId());
            }
        }
        syncs.clear();
        done = true;
    }

    void onMessage(long from, ZabMessage msg, Actions.Builder out) {
        // Members the configuration does not name are served too, as non-voting followers: that is
        // how a new member syncs before a reconfig makes it a voter (ZooKeeper's joining servers).
        if (done || from == ctx.myId()) {
            return;
        }
        if (msg instanceof FollowerInfo m) {
            onFollowerInfo(from, m, out);
            return;
        }
        LearnerHandler h = handlers.get(from);
        if (h == null) {
            return;
        }
        if (msg instanceof AckEpoch m && m.session() == h.session) {
            h.lastHeardTick = ctx.now;
            onAckEpoch(h, m, out);
        } else if (msg instanceof Ack m && m.session() == h.session) {
            h.lastHeardTick = ctx.now;
            onAck(h, m, out);
        } else if (msg instanceof SyncRequest m && m.session() == h.session) {
            h.lastHeardTick = ctx.now;
            onSyncRequest(h, m, out);
        }
    }

    private void onFollowerInfo(long from, FollowerInfo m, Actions.Builder out) {
        LearnerHandler h = handlers.get(from);
        if (h != null && h.session == m.session()) {
            h.lastHeardTick = ctx.now;
            if (h.phase == Phase.EPOCH_SENT) {
                out.send(from, new LeaderInfo(h.session, epoch)); // our LeaderInfo may have been lost
            }
            return;
        }
        boolean observer = ctx.configs.observing(from) && !ctx.configs.isVoterInAny(from);
        boolean voter = ctx.configs.isVoterInAny(from);
        if (epoch >= 0 && m.acceptedEpoch() > epoch && voter) {
            // It promised a newer epoch and can never follow ours; only a new election lets it back in.
            ctx.stats.stepDowns++;
            stop(out);
            return;
        }
        h = new LearnerHandler(from, m.session(), observer, ctx.now);
        handlers.put(from, h);
        if (voter) {
            infoEpochs.merge(from, m.acceptedEpoch(), Math::max); // a non-voter's promises bind nobody
        }
        if (phase == Phase0.COLLECT) {
            maybeProposeEpoch(out);
        } else if (acceptDurable) {
            sendLeaderInfo(h, out);
        }
    }

    private void maybeProposeEpoch(Actions.Builder out) {
        if (phase != Phase0.COLLECT || !ctx.configs.isQuorum(infoEpochs.keySet())) {
            return;
        }
        long max = 0;
        for (long e : infoEpochs.values()) {
            max = Math.max(max, e);
        }
        epoch = max + 1;
        ctx.acceptedEpoch = epoch;
        acceptFenceSeq = ctx.log.persistEpochs(epoch, ctx.currentEpoch, out);
        phase = Phase0.EPOCH_PROPOSED;
        out.role(new RoleChange(Role.LEADING, ctx.myId(), epoch, false));
        onDurable(out);
    }

    private void sendLeaderInfo(LearnerHandler h, Actions.Builder out) {
        h.phase = Phase.EPOCH_SENT;
        out.send(h.sid, new LeaderInfo(h.session, epoch));
    }

    private void onAckEpoch(LearnerHandler h, AckEpoch m, Actions.Builder out) {
        if (h.phase != Phase.EPOCH_SENT) {
            return;
        }
        h.phase = Phase.EPOCH_ACKED;
        h.followerCurrentEpoch = m.currentEpoch();
        h.followerLastZxid = m.lastZxid();
        h.counted = m.counted();
        h.needSnap = m.needSnap();
        if (phase == Phase0.EPOCH_PROPOSED) {
            // An observer holds only txns committed by a quorum, which this leader has (discovery
            // made sure): a longer observer history is a tail it must truncate, never a reason to stop.
            if (ctx.configs.isVoterInAny(h.sid) && isAhead(m.currentEpoch(), m.lastZxid())) {
                stop(out); // it may hold committed txns we lack: let a new election pick it
                return;
            }
            if (m.counted() && !h.observer) {
                epochAckers.add(h.sid);
            }
            maybeStartSync(out);
        } else {
            sendSync(h, out);
        }
    }

    private boolean isAhead(long theirEpoch, long theirLastZxid) {
        return theirEpoch > historyEpoch || (theirEpoch == historyEpoch && theirLastZxid > historyLastZxid);
    }

    private void maybeStartSync(Actions.Builder out) {
        if (phase != Phase0.EPOCH_PROPOSED || !acceptDurable || !ctx.configs.isQuorum(epochAckers)) {
            return;
        }
        phase = Phase0.SYNCING;
        ctx.currentEpoch = epoch;
        currentFenceSeq = ctx.log.persistEpochs(epoch, epoch, out);
        for (LearnerHandler h : handlers.values()) {
            if (h.phase == Phase.EPOCH_ACKED) {
                sendSync(h, out);
            }
        }
        onDurable(out);
    }

    private void sendSync(LearnerHandler h, Actions.Builder out) {
        long commit = phase == Phase0.BROADCAST ? commitZxid : ctx.log.appliedZxid();
        NewLeader bundle = sync.bundle(h, epoch, commit);
        h.phase = Phase.SYNC_SENT;
        h.syncLastZxid = h.observer ? LeaderSync.lastZxidOf(bundle) : ctx.log.lastZxid();
        h.sentLastZxid = h.syncLastZxid;
        out.send(h.sid, bundle);
    }

    private void onAck(LearnerHandler h, Ack m, Actions.Builder out) {
        if (!h.atLeast(Phase.SYNC_SENT)) {
            return;
        }
        h.lastRound = Math.max(h.lastRound, m.round());
        if (h.phase == Phase.SYNC_SENT) {
            if (m.zxid() < h.syncLastZxid) {
                return;
            }
            h.phase = Phase.SYNCED;
            if (phase == Phase0.BROADCAST) {
                sendUpToDate(h, out);
            }
        }
        h.ackedZxid = Math.max(h.ackedZxid, m.zxid());
        if (phase == Phase0.SYNCING) {
            maybeEstablish(out);
        } else if (phase == Phase0.BROADCAST) {
            advanceCommit(out);
            checkSyncs(out);
        }
    }

    private void sendUpToDate(LearnerHandler h, Actions.Builder out) {
        h.phase = Phase.SERVING;
        out.send(h.sid, new UpToDate(h.session, commitZxid));
    }

    private void maybeEstablish(Actions.Builder out) {
        if (phase != Phase0.SYNCING || !currentDurable) {
            return;
        }
        List<Long> synced = new ArrayList<>();
        synced.add(ctx.myId());
        for (LearnerHandler h : handlers.values()) {
            if (h.atLeast(Phase.SYNCED)) {
                synced.add(h.sid);
            }
        }
        if (!ctx.configs.isQuorum(synced)) {
            return;
        }
        phase = Phase0.BROADCAST;
        commitZxid = ctx.log.appliedZxid();
        advanceCommit(out);
        out.role(new RoleChange(Role.LEADING, ctx.myId(), epoch, true));
        for (LearnerHandler h : handlers.values()) {
            if (h.phase == Phase.SYNCED) {
                sendUpToDate(h, out);
            }
        }
    }

    /** What each member logged, as far as the commit point goes (made once: asked on every ack). */
    private final LongUnaryOperator loggedBySid = this::loggedBy;

    private long loggedBy(long sid) {
        if (sid == ctx.myId()) {
            return ctx.log.durableZxid();
        }
        LearnerHandler h = handlers.get(sid);
        return h != null && !h.observer && h.atLeast(Phase.SYNCED) ? h.ackedZxid : MembershipState.NOT_LOGGED;
    }

    /** Commit point = the highest zxid a quorum (us included, once our epoch is durable) has logged. */
    private void advanceCommit(Actions.Builder out) {
        if (!currentDurable) {
            return;
        }
        long floor = ctx.configs.quorumFloor(loggedBySid);
        long newCommit = Math.min(floor, ctx.log.lastZxid());
        if (newCommit <= commitZxid) {
            return;
        }
        commitZxid = newCommit;
        ctx.log.applyThrough(commitZxid, out);
        for (LearnerHandler h : handlers.values()) {
            if (h.observer) {
                inform(h, out);
            } else if (h.atLeast(Phase.SYNC_SENT)) {
                out.send(h.sid, new Commit(h.session, commitZxid));
            }
        }
        if (!syncs.isEmpty()) {
            checkSyncs(out); // a local sync may have been waiting for this commit
        }
    }

    /**
     * Sends an observer what committed since it was last sent something: the txns as INFORMs, or a
     * COMMIT alone when it already holds them (the uncommitted part of an old history it kept).
     */
    private void inform(LearnerHandler h, Actions.Builder out) {
        if (!h.atLeast(Phase.SYNC_SENT)) {
            return;
        }
        if (h.sentLastZxid >= commitZxid) {
            out.send(h.sid, new Commit(h.session, commitZxid));
            return;
        }
        for (LogEntry e : ctx.log.entriesBetween(h.sentLastZxid, commitZxid)) {
            out.send(h.sid, new Inform(h.session, h.sentLastZxid, e.zxid(), e.data()));
            h.sentLastZxid = e.zxid();
        }
    }

    void onDurable(Actions.Builder out) {
        if (done) {
            return;
        }
        long durable = ctx.log.durableSeq();
        if (acceptFenceSeq >= 0 && !acceptDurable && durable >= acceptFenceSeq) {
            acceptDurable = true;
            epochAckers.add(ctx.myId());
            for (LearnerHandler h : handlers.values()) {
                if (h.phase == Phase.INFO) {
                    sendLeaderInfo(h, out);
                }
            }
            maybeStartSync(out);
        }
        if (currentFenceSeq >= 0 && !currentDurable && durable >= currentFenceSeq) {
            currentDurable = true;
            maybeEstablish(out);
        }
        if (phase == Phase0.BROADCAST) {
            advanceCommit(out);
        }
    }

    /**
     * The log lost its appends after what {@link ZabLog#dropNotDurable} kept (sole voter, full
     * disk): commit what is durable; local syncs wait for no more than the log now holds. Later
     * proposals take the lost zxids again.
     */
    void appendsLost(Actions.Builder out) {
        long last = ctx.log.lastZxid();
        syncs.replaceAll(s -> s.targetZxid() <= last ? s
                : new PendingSync(s.syncId(), s.requester(), s.session(), s.round(), last));
        onDurable(out);
    }

    /** A client write: assign the next zxid, log it and send it to every follower being synced or synced. */
    void propose(LongFunction<byte[]> txnAt, Actions.Builder out) {
        if (phase != Phase0.BROADCAST) {
            out.reject(Actions.Rejection.NOT_SERVING, ctx.myId());
            return;
        }
        long zxid = Zxid.next(ctx.log.lastZxid(), epoch);
        if (Zxid.counterOf(zxid) > Zxid.MAX_COUNTER) {
            out.reject(Actions.Rejection.NOT_SERVING, -1);
            stop(out); // counter exhausted: a new election starts a new epoch
            return;
        }
        byte[] txn = txnAt.apply(zxid);
        ctx.log.append(zxid, txn, out);
        out.proposed(zxid);
        for (LearnerHandler h : handlers.values()) {
            if (!h.observer && h.atLeast(Phase.SYNC_SENT)) {
                h.sentLastZxid = zxid;
                out.send(h.sid, new Propose(h.session, zxid, txn));
            }
        }
    }

    /** A configuration change; see {@link ZabCore#proposeReconfig}. */
    void proposeReconfig(Membership next, LongFunction<byte[]> txnAt, Actions.Builder out) {
        if (phase != Phase0.BROADCAST) {
            out.reject(Actions.Rejection.NOT_SERVING, ctx.myId());
            return;
        }
        if (ctx.configs.pending() != null) {
            out.reject(Actions.Rejection.RECONFIG_IN_PROGRESS, ctx.myId());
            return;
        }
        List<Long> synced = new ArrayList<>();
        synced.add(ctx.myId());
        for (LearnerHandler h : handlers.values()) {
            if (!h.observer && h.atLeast(Phase.SYNCED)) {
                synced.add(h.sid);
            }
        }
        if (!next.isQuorum(synced)) {
            out.reject(Actions.Rejection.NEW_CONFIG_NO_QUORUM, ctx.myId());
            return;
        }
        propose(zxid -> {
            byte[] txn = txnAt.apply(zxid);
            Membership read = ctx.configs.codec().configIn(zxid, txn);
            if (read == null || !read.sameMembers(next)) {
                throw new IllegalStateException("reconfig txn at " + Zxid.format(zxid) + " reads as " + read
                        + ", not " + next);
            }
            return txn;
        }, out);
    }

    /**
     * The connection to a follower broke: its session is over (a reconnecting follower starts a new
     * one). Once serving, a leader that no longer hears from a quorum steps down at once.
     */
    void onPeerDisconnected(long peer, Actions.Builder out) {
        if (done || handlers.remove(peer) == null) {
            return;
        }
        if (phase == Phase0.BROADCAST && !hasLiveQuorum()) {
            ctx.stats.stepDowns++;
            stop(out);
        }
    }

    void tick(Actions.Builder out) {
        if (phase != Phase0.BROADCAST) {
            if (ctx.now - startTick > ctx.config.initLimit()) {
                stop(out);
                return;
            }
        } else if (!hasLiveQuorum()) {
            ctx.stats.stepDowns++;
            stop(out);
            return;
        }
        dropSilentHandlers();
        ping(out);
    }

    private boolean hasLiveQuorum() {
        List<Long> live = new ArrayList<>();
        live.add(ctx.myId());
        for (LearnerHandler h : handlers.values()) {
            if (h.atLeast(Phase.SYNCED) && ctx.now - h.lastHeardTick <= ctx.config.syncLimit()) {
                live.add(h.sid);
            }
        }
        return ctx.configs.isQuorum(live);
    }

    private void dropSilentHandlers() {
        long limit = Math.max(ctx.config.initLimit(), ctx.config.syncLimit());
        handlers.values().removeIf(h -> ctx.now - h.lastHeardTick > limit);
    }

    private void ping(Actions.Builder out) {
        pingRound++;
        long commit = phase == Phase0.BROADCAST ? commitZxid : ctx.log.appliedZxid();
        for (LearnerHandler h : handlers.values()) {
            if (h.atLeast(Phase.SYNC_SENT)) {
                out.send(h.sid, new Ping(h.session, pingRound, commit, h.sentLastZxid, h.phase == Phase.SERVING));
            }
        }
    }

    /** Linearizable sync from a local client. */
    void requestSync(long syncId, Actions.Builder out) {
        if (phase != Phase0.BROADCAST) {
            out.reject(Actions.Rejection.NOT_SERVING, ctx.myId());
            out.syncFailed(syncId);
            return;
        }
        addSync(new PendingSync(syncId, ctx.myId(), 0, pingRound + 1, ctx.log.lastZxid()), out);
    }

    private void onSyncRequest(LearnerHandler h, SyncRequest m, Actions.Builder out) {
        if (phase != Phase0.BROADCAST || h.phase != Phase.SERVING) {
            return; // the follower's request fails when its session ends
        }
        addSync(new PendingSync(m.syncId(), h.sid, h.session, pingRound + 1, ctx.log.lastZxid()), out);
    }

    /**
     * A sync is answered only after a quorum answered a ping sent after it arrived: then no other
     * leader can have committed anything we do not know (ZOOKEEPER-1675). Its target is the last
     * zxid the leader had PROPOSED when the sync arrived, as in ZooKeeper: the requester then also
     * sees writes that were in flight (e.g. a create whose reply a client lost), not only those
     * already committed.
     */
    private void addSync(PendingSync s, Actions.Builder out) {
        syncs.add(s);
        ping(out);
        checkSyncs(out);
    }

    private void checkSyncs(Actions.Builder out) {
        Iterator<PendingSync> it = syncs.iterator();
        while (it.hasNext()) {
            PendingSync s = it.next();
            List<Long> confirmed = new ArrayList<>();
            confirmed.add(ctx.myId());
            for (LearnerHandler h : handlers.values()) {
                if (h.atLeast(Phase.SYNCED) && h.lastRound >= s.round()) {
                    confirmed.add(h.sid);
                }
            }
            if (!ctx.configs.isQuorum(confirmed)) {
                continue;
            }
            if (s.requester() == ctx.myId() && commitZxid < s.targetZxid()) {
                continue; // a local sync also waits until its target is committed here
            }
            it.remove();
            if (s.requester() == ctx.myId()) {
                out.syncCompleted(s.syncId());
            } else {
                LearnerHandler h = handlers.get(s.requester());
                if (h != null && h.session == s.session()) {
                    out.send(h.sid, new SyncReply(h.session, s.syncId(), s.targetZxid()));
                }
            }
        }
    }
}
