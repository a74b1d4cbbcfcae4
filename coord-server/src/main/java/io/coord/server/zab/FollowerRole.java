package io.coord.server.zab;

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
import io.coord.server.zab.ZabMessage.PeerState;
import io.coord.server.zab.ZabMessage.UpToDate;
import io.coord.server.zab.ZabMessage.Vote;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Follower side of discovery, synchronisation and broadcast, one leader per instance. A session is
 * one connection attempt; anything that breaks the in-session FIFO assumption (a gap in proposals, a
 * commit or ping beyond our log) restarts the session, which re-runs discovery and sync with the
 * same leader. Silence for longer than the limits ends the role (the core goes LOOKING).
 * An observer runs this role too: the leader sends it only committed txns (the sync bundle up to the
 * commit point, then INFORMs), and it acks only what the leader needs to know it is alive and synced.
 */
final class FollowerRole {
    private enum Phase { DISCOVERY, AWAIT_SYNC, SYNCING, SYNCED, SERVING }

    private final CoreContext ctx;
    private final long leaderId;
    /** The election round in which we chose this leader (a LOOKING vote of a later round means it re-elects). */
    private long decisionRound;
    private long session;
    private Phase phase;
    private long epoch = -1;
    private long sessionStartTick;
    private long lastHeardTick;
    private long fenceSeq = -1;
    private boolean ackEpochPending;
    private boolean counted;
    private long commitZxid = -1;
    private long lastAckedZxid = -1;
    private long lastRound;
    private boolean done;
    /** Sync requests sent to the leader, by id; value is the zxid to reach once answered, or -1. */
    private final Map<Long, Long> syncs = new LinkedHashMap<>();

    FollowerRole(CoreContext ctx, long leaderId, long decisionRound) {
        this.ctx = ctx;
        this.leaderId = leaderId;
        this.decisionRound = decisionRound;
    }

    long leaderId() {
        return leaderId;
    }

    long epoch() {
        return epoch;
    }

    boolean isServing() {
        return phase == Phase.SERVING;
    }

    boolean isDone() {
        return done;
    }

    void start(Actions.Builder out) {
        newSession(out);
    }

    private void newSession(Actions.Builder out) {
        failSyncs(out);
        session = ctx.newSessionId();
        phase = Phase.DISCOVERY;
        epoch = -1;
        ackEpochPending = false;
        sessionStartTick = ctx.now;
        lastHeardTick = ctx.now;
        lastAckedZxid = -1;
        lastRound = 0;
        out.send(leaderId, new FollowerInfo(session, ctx.acceptedEpoch));
    }

    private void restartSession(Actions.Builder out) {
        ctx.stats.sessionRestarts++;
        boolean wasServing = phase == Phase.SERVING;
        newSession(out);
        if (wasServing) {
            out.role(new RoleChange(Role.FOLLOWING, leaderId, -1, false));
        }
    }

    /** Ends the role; the core goes LOOKING. */
    void stop(Actions.Builder out) {
        failSyncs(out);
        done = true;
    }

    private void failSyncs(Actions.Builder out) {
        syncs.keySet().forEach(out::syncFailed);
        syncs.clear();
    }

    void tick(Actions.Builder out) {
        if (phase.compareTo(Phase.SYNCED) < 0) {
            if (ctx.now - sessionStartTick > ctx.config.initLimit()) {
                stop(out);
            } else if (phase == Phase.DISCOVERY) {
                out.send(leaderId, new FollowerInfo(session, ctx.acceptedEpoch));
            }
        } else if (ctx.now - lastHeardTick > ctx.config.syncLimit()) {
            stop(out);
        }
    }

    /**
     * The member we chose as leader answered our FollowerInfo with its vote instead (see
     * {@link ZabCore#step}): if it follows someone else, or votes for someone else, it will never
     * lead us, so we give up now (the core goes LOOKING). A LOOKING member still voting for itself
     * may be about to lead: keep waiting for it.
     */
    void onLeaderVote(Vote v, Actions.Builder out) {
        boolean disclaims = v.state() == PeerState.FOLLOWING
                || (v.state() == PeerState.LOOKING && v.leaderId() != leaderId);
        if (disclaims && phase.compareTo(Phase.SYNCED) < 0 && !done) {
            ctx.stats.leaderDisclaims++;
            stop(out);
        } else if (v.state() == PeerState.LOOKING && v.electionEpoch() > decisionRound && phase != Phase.DISCOVERY
                && !done) {
            // It left the role we joined and elects again (for itself, or it would disclaim): our session
            // died with that role. Ask again now, rather than wait out initLimit while it may lead again
            // without us: with a reconfig pending, every voter of a two-voter configuration must be in
            // the same attempt (ZAB simulation with reconfigs, seed 799).
            decisionRound = v.electionEpoch();
            restartSession(out);
        }
    }

    /** Our connection to the leader broke: in-flight messages may be lost, and a dead leader says nothing more. */
    void onPeerDisconnected(long peer, Actions.Builder out) {
        if (peer == leaderId && !done) {
            ctx.stats.leaderDisconnects++;
            stop(out);
        }
    }

    void onMessage(long from, ZabMessage msg, Actions.Builder out) {
        if (from != leaderId || done) {
            return;
        }
        if (msg instanceof LeaderInfo m && m.session() == session) {
            onLeaderInfo(m, out);
        } else if (msg instanceof NewLeader m && m.session() == session) {
            onNewLeader(m, out);
        } else if (msg instanceof Propose m && m.session() == session) {
            onPropose(m.zxid(), m.data(), out);
        } else if (msg instanceof Inform m && m.session() == session && ctx.configs.observing(ctx.myId())) {
            onInform(m, out);
        } else if (msg instanceof Commit m && m.session() == session) {
            onCommit(m.zxid(), out);
        } else if (msg instanceof UpToDate m && m.session() == session) {
            onUpToDate(m, out);
        } else if (msg instanceof Ping m && m.session() == session) {
            onPing(m, out);
        } else if (msg instanceof SyncReply m && m.session() == session) {
            onSyncReply(m, out);
        } else {
            return;
        }
        lastHeardTick = ctx.now;
    }

    private void onLeaderInfo(LeaderInfo m, Actions.Builder out) {
        if (phase == Phase.AWAIT_SYNC && m.epoch() == epoch && !ackEpochPending) {
            sendAckEpoch(out); // a duplicate: our ack may have been lost
            return;
        }
        if (phase != Phase.DISCOVERY) {
            return;
        }
        if (m.epoch() < ctx.acceptedEpoch && !ctx.configs.observing(ctx.myId())) {
            stop(out); // we promised a newer epoch to someone else (an observer's promise binds nobody)
            return;
        }
        counted = m.epoch() > ctx.acceptedEpoch;
        epoch = m.epoch();
        ctx.acceptedEpoch = Math.max(ctx.acceptedEpoch, epoch);
        // Always write: the ack must also wait for every earlier storage op to be durable.
        fenceSeq = ctx.log.persistEpochs(ctx.acceptedEpoch, ctx.currentEpoch, out);
        phase = Phase.AWAIT_SYNC;
        ackEpochPending = true;
        onDurable(out);
    }

    private void sendAckEpoch(Actions.Builder out) {
        out.send(leaderId, new AckEpoch(session, ctx.currentEpoch, ctx.log.lastZxid(), counted, ctx.needSnap));
    }

    private void onNewLeader(NewLeader m, Actions.Builder out) {
        if (phase != Phase.AWAIT_SYNC || ackEpochPending || m.epoch() != epoch) {
            return;
        }
        ZabLog log = ctx.log;
        if (m.configVersion() > ctx.configs.committed().version()) {
            // The leader's committed configuration: a snapshot's members are in no entry we get.
            ctx.configs.adopt(ctx.configs.codec().decode(m.config()), out);
        }
        if (m.mode() == SyncMode.SNAP) {
            if (m.snapshot() == null) {
                restartSession(out);
                return;
            }
            log.installSnapshot(m.baseZxid(), m.snapshot(), out);
        } else {
            if (!log.hasPoint(m.baseZxid()) || m.baseZxid() < log.appliedZxid()) {
                // The leader's guess about our history is wrong; ask for a snapshot next time.
                ctx.stats.rejectedSyncBases++;
                ctx.needSnap = true;
                restartSession(out);
                return;
            }
            log.truncateAfter(m.baseZxid(), out);
        }
        for (LogEntry e : m.entries()) {
            if (e.zxid() > log.lastZxid()) {
                log.append(e.zxid(), e.data(), out);
            }
        }
        ctx.needSnap = false;
        ctx.currentEpoch = epoch;
        fenceSeq = log.persistEpochs(ctx.acceptedEpoch, ctx.currentEpoch, out);
        phase = Phase.SYNCING;
        if (m.commitZxid() >= 0) {
            onCommit(Math.min(m.commitZxid(), log.lastZxid()), out);
        }
        onDurable(out);
    }

    private void onPropose(long zxid, byte[] data, Actions.Builder out) {
        if (phase.compareTo(Phase.SYNCING) < 0) {
            return; // reordered ahead of the bundle; the gap shows up later
        }
        long expected = Zxid.next(ctx.log.lastZxid(), epoch);
        if (zxid < expected) {
            return; // duplicate
        }
        if (zxid > expected) {
            restartSession(out); // lost proposal
            return;
        }
        ctx.log.append(zxid, data, out);
    }

    /** An observer's committed txn: it must follow our last one exactly, or one was lost. */
    private void onInform(Inform m, Actions.Builder out) {
        if (phase.compareTo(Phase.SYNCING) < 0 || m.zxid() <= ctx.log.lastZxid()) {
            return; // reordered ahead of the bundle (the gap shows up later), or a duplicate
        }
        if (m.prevZxid() != ctx.log.lastZxid()) {
            restartSession(out); // a lost inform: re-sync rather than leave a hole in our history
            return;
        }
        ctx.log.append(m.zxid(), m.data(), out);
        onCommit(m.zxid(), out);
    }

    private void onCommit(long zxid, Actions.Builder out) {
        if (phase.compareTo(Phase.SYNCING) < 0 || zxid <= commitZxid) {
            return;
        }
        if (zxid > ctx.log.lastZxid()) {
            restartSession(out); // we miss a proposal the leader sent before this commit
            return;
        }
        commitZxid = zxid;
        ctx.log.applyThrough(commitZxid, out);
        completeSyncs(out);
    }

    private void onUpToDate(UpToDate m, Actions.Builder out) {
        if (phase != Phase.SYNCED) {
            return;
        }
        phase = Phase.SERVING;
        out.role(new RoleChange(Role.FOLLOWING, leaderId, epoch, true));
        onCommit(m.commitZxid(), out);
    }

    private void onPing(Ping m, Actions.Builder out) {
        if (phase.compareTo(Phase.SYNCING) < 0) {
            return;
        }
        if (m.lastZxid() > ctx.log.lastZxid()) {
            restartSession(out);
            return;
        }
        lastRound = Math.max(lastRound, m.round());
        if (m.established() && phase == Phase.SYNCED) {
            onUpToDate(new UpToDate(session, m.commitZxid()), out);
        }
        onCommit(m.commitZxid(), out);
        if (phase.compareTo(Phase.SYNCED) >= 0) {
            sendAck(out);
        }
    }

    private void sendAck(Actions.Builder out) {
        lastAckedZxid = ctx.log.durableZxid();
        out.send(leaderId, new Ack(session, lastAckedZxid, lastRound));
    }

    /** Storage made progress: send whatever was waiting for durability. */
    void onDurable(Actions.Builder out) {
        if (done) {
            return;
        }
        long durable = ctx.log.durableSeq();
        if (phase == Phase.AWAIT_SYNC && ackEpochPending && durable >= fenceSeq) {
            ackEpochPending = false;
            sendAckEpoch(out);
        } else if (phase == Phase.SYNCING && durable >= fenceSeq) {
            phase = Phase.SYNCED; // history and currentEpoch are durable: this ack is NEWLEADER's
            sendAck(out);
        } else if (phase.compareTo(Phase.SYNCED) >= 0 && ctx.log.durableZxid() > lastAckedZxid
                && !ctx.configs.observing(ctx.myId())) {
            sendAck(out); // an observer's acks count for nothing: it answers pings only
        }
    }

    /** A client asks for a linearizable sync through this member. */
    void requestSync(long syncId, Actions.Builder out) {
        if (phase != Phase.SERVING) {
            out.reject(Actions.Rejection.NOT_SERVING, leaderId);
            out.syncFailed(syncId);
            return;
        }
        syncs.put(syncId, -1L);
        out.send(leaderId, new SyncRequest(session, syncId));
    }

    private void onSyncReply(SyncReply m, Actions.Builder out) {
        if (syncs.containsKey(m.syncId())) {
            syncs.put(m.syncId(), m.zxid());
            completeSyncs(out);
        }
    }

    private void completeSyncs(Actions.Builder out) {
        Iterator<Map.Entry<Long, Long>> it = syncs.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getValue() >= 0 && ctx.log.appliedZxid() >= e.getValue()) {
                out.syncCompleted(e.getKey());
                it.remove();
            }
        }
    }
}
