package io.coord.server.zab;

import io.coord.server.zab.FastLeaderElection.Decision;
import io.coord.server.zab.ZabMessage.PeerState;
import io.coord.server.zab.ZabMessage.FollowerInfo;
import io.coord.server.zab.ZabMessage.Vote;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.random.RandomGenerator;

/**
 * One ensemble member's ZAB state machine: election, discovery, synchronisation and broadcast.
 * Single-threaded and deterministic: every input returns the {@link Actions} the adapter must carry
 * out. See the package documentation for the contract with the adapter.
 */
public final class ZabCore {
    private final CoreContext ctx;
    private final FastLeaderElection election;
    private Role role = Role.LOOKING;
    private Decision decision;
    private LeaderRole leader;
    private FollowerRole follower;
    private boolean started;
    /** Whether this member observed when its current role began (a reconfig that changes it ends the role). */
    private boolean observingInRole;

    public ZabCore(ZabConfig config, RecoveredState recovered, StateProvider stateProvider, RandomGenerator random) {
        this(config, recovered, stateProvider, random, MembershipCodec.NONE,
                Membership.of(0, config.voters(), config.observers(), null));
    }

    /**
     * A core whose history may change its configuration: {@code codec} tells which txns are reconfigs,
     * {@code committed} is the last configuration this member knows committed; its voters and
     * observers must be {@code config}'s. Reconfig entries in {@code recovered}'s log are taken up at
     * {@link #start()}.
     *
     * <p>What the adapter must give as {@code committed}: the newest configuration this member ever
     * took ({@link Actions#configChanges()}, persisted; and the one in its snapshot, whichever is
     * newer), also when that configuration no longer names this member (it then follows without a
     * vote). Never an older one: a member that forgot a change can take a stale member's older
     * configuration for the current one and elect a leader in it (ZAB simulation with reconfigs, seed
     * 184). A joiner that never took one starts from the ensemble's servers plus itself at version 0,
     * as ZooKeeper's are started: nobody takes a version-0 configuration from its votes, while it
     * takes the real one from theirs. Only versions this ensemble committed may be above 0.
     */
    public ZabCore(ZabConfig config, RecoveredState recovered, StateProvider stateProvider, RandomGenerator random,
                   MembershipCodec codec, Membership committed) {
        if (!committed.voters().equals(config.voters()) || !committed.observers().equals(config.observers())) {
            throw new IllegalArgumentException(committed + " is not the configuration's voters " + config.voters()
                    + " and observers " + config.observers());
        }
        this.ctx = new CoreContext(config, recovered, stateProvider, random, new MembershipState(codec, committed));
        this.election = new FastLeaderElection(config.myId(), ctx.configs);
    }

    /** Starts the first election. Must be called once, before any other input. */
    public Actions start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        Actions.Builder out = new Actions.Builder();
        for (LogEntry e : ctx.log.entriesAfter(ctx.log.baseZxid())) {
            ctx.configs.onAppended(e.zxid(), e.data(), out); // recovered reconfig entries
        }
        ctx.configs.takeChanged();
        goLooking(out);
        return finish(out);
    }

    /** A message from member {@code fromId}. */
    public Actions step(long fromId, ZabMessage msg) {
        requireStarted();
        Actions.Builder out = new Actions.Builder();
        if (msg instanceof Vote v) {
            onVote(fromId, v, out);
        } else if (msg instanceof FollowerInfo && role != Role.LEADING) {
            // It chose us as leader but its round ended differently from ours (it decided on a vote
            // we later changed): tell it whom we back, so it re-elects now rather than after initLimit.
            out.send(fromId, role == Role.LOOKING ? election.notification() : settledVote());
        } else if (role == Role.LEADING) {
            leader.onMessage(fromId, msg, out);
        } else if (role == Role.FOLLOWING) {
            follower.onMessage(fromId, msg, out);
        }
        return finish(out);
    }

    /**
     * The transport lost its connection to member {@code peerId} (messages in flight on it may be
     * lost). A follower whose leader this is gives up on it at once and goes LOOKING; a leader forgets
     * the follower's session and steps down if the followers it still hears from are no quorum.
     * A spurious report (the peer is alive and the link comes back) only costs a re-election or a
     * follower re-sync: nothing here is needed for safety.
     */
    public Actions peerDisconnected(long peerId) {
        requireStarted();
        Actions.Builder out = new Actions.Builder();
        if (role == Role.LEADING) {
            leader.onPeerDisconnected(peerId, out);
        } else if (role == Role.FOLLOWING) {
            follower.onPeerDisconnected(peerId, out);
        }
        return finish(out);
    }

    /** One tick of the clock (ZooKeeper's tickTime); every timeout is counted in ticks. */
    public Actions tick() {
        requireStarted();
        Actions.Builder out = new Actions.Builder();
        ctx.now++;
        switch (role) {
            case LOOKING -> election.tick(ctx.config.voteResendTicks(), out);
            case LEADING -> leader.tick(out);
            case FOLLOWING -> follower.tick(out);
            default -> throw new IllegalStateException(String.valueOf(role));
        }
        return finish(out);
    }

    /** A client write (leader only). {@link Actions#proposedZxid()} names it; it commits when applied. */
    public Actions propose(byte[] txn) {
        return propose(zxid -> txn);
    }

    /**
     * As {@link #propose(byte[])}, but the txn is built once the core has accepted the proposal and
     * chosen its zxid: {@code txnAt} gets that zxid (so the adapter prepares the txn for it instead of
     * predicting it) and is not called at all when the proposal is refused.
     */
    public Actions propose(LongFunction<byte[]> txnAt) {
        requireStarted();
        Actions.Builder out = new Actions.Builder();
        if (role == Role.LEADING) {
            leader.propose(txnAt, out);
        } else {
            out.reject(Actions.Rejection.NOT_LEADER, role == Role.FOLLOWING ? follower.leaderId() : -1);
        }
        return finish(out);
    }

    /**
     * A configuration change (leader only): proposes {@code txnAt(zxid)}, which {@code codec} must
     * read as {@code next} at that zxid. Refused while another change is pending
     * ({@link Actions.Rejection#RECONFIG_IN_PROGRESS}) or when the voters of {@code next} synced with
     * this leader (itself included if it votes in {@code next}) are no quorum of it
     * ({@link Actions.Rejection#NEW_CONFIG_NO_QUORUM}: a new member must have joined as a non-voting
     * follower first). From the proposal on, commits need a quorum of both configurations; once it
     * commits, {@code next} alone counts, and a leader that no longer votes steps down.
     */
    public Actions proposeReconfig(Membership next, LongFunction<byte[]> txnAt) {
        requireStarted();
        Actions.Builder out = new Actions.Builder();
        if (role == Role.LEADING) {
            leader.proposeReconfig(next, txnAt, out);
        } else {
            out.reject(Actions.Rejection.NOT_LEADER, role == Role.FOLLOWING ? follower.leaderId() : -1);
        }
        return finish(out);
    }

    /** Storage ops with seq up to {@code persistSeq} (and all before) are durable. */
    public Actions onPersisted(long persistSeq) {
        requireStarted();
        Actions.Builder out = new Actions.Builder();
        ctx.log.onDurable(persistSeq);
        if (role == Role.LEADING) {
            leader.onDurable(out);
        } else if (role == Role.FOLLOWING) {
            follower.onDurable(out);
        }
        return finish(out);
    }

    /**
     * Whether {@link #appendsLost} may be asked: this member is the only voter and leads, serving.
     * (With other voters a member whose log fails must stop instead, so that they carry on.)
     */
    public boolean mayLoseAppends() {
        return started && ctx.configs.soleVoter(ctx.myId()) && role == Role.LEADING && leader.isServing();
    }

    /**
     * The storage lost every append after {@code keptZxid} (a full disk) and made the ones up to it
     * durable (only when {@link #mayLoseAppends}). What is durable commits; the lost proposals are
     * forgotten (nobody else has them: there is no other voter), and the next proposal takes the
     * first lost zxid again. The adapter fails the lost proposals back to their clients.
     */
    public Actions appendsLost(long keptZxid) {
        requireStarted();
        if (!mayLoseAppends()) {
            throw new IllegalStateException("appends may be lost only by a serving leader that is the only voter");
        }
        Actions.Builder out = new Actions.Builder();
        ctx.log.dropNotDurable(keptZxid);
        leader.appendsLost(out);
        return finish(out);
    }

    /**
     * Linearizable sync: completes (in {@link Actions#syncsCompleted()}) once this member has applied
     * everything committed when the leader, confirmed by a quorum, received the request; or fails.
     */
    public Actions requestSync(long syncId) {
        requireStarted();
        Actions.Builder out = new Actions.Builder();
        if (role == Role.LEADING) {
            leader.requestSync(syncId, out);
        } else if (role == Role.FOLLOWING) {
            follower.requestSync(syncId, out);
        } else {
            out.reject(Actions.Rejection.NOT_SERVING, -1);
            out.syncFailed(syncId);
        }
        return finish(out);
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("start() first");
        }
    }

    private void onVote(long from, Vote v, Actions.Builder out) {
        if (role == Role.LOOKING) {
            if (v.configVersion() > ctx.configs.committed().version()
                    && ctx.configs.adopt(ctx.configs.codec().decode(v.config()), out)) {
                ctx.configs.takeChanged();
                goLooking(out); // a newer configuration committed while we were away: vote again in it
            }
            election.onVote(from, v, out).ifPresent(d -> decide(d, out));
        } else {
            if (role == Role.FOLLOWING && from == follower.leaderId()) {
                follower.onLeaderVote(v, out);
            }
            if (v.state() == PeerState.LOOKING) {
                // Also to observers and members that joined or left, and also from an observer: this is
                // how a LOOKING member learns who leads and the configuration (an observer's vote never
                // counts, but its configuration may be newer than the asker's: ZAB simulation with
                // reconfigs, seed 1147).
                out.send(from, settledVote());
            }
        }
    }

    /** The vote that settled our current role, as told to members still LOOKING. */
    private Vote settledVote() {
        PeerState mine = role == Role.LEADING ? PeerState.LEADING : PeerState.FOLLOWING;
        FastLeaderElection.Ballot b = decision.ballot();
        Membership c = ctx.configs.committed();
        return new Vote(b.leaderId(), b.zxid(), b.peerEpoch(), decision.electionEpoch(), mine, c.version(), c.encoded());
    }

    private void goLooking(Actions.Builder out) {
        role = Role.LOOKING;
        leader = null;
        follower = null;
        decision = null;
        ctx.stats.elections++;
        out.role(new RoleChange(Role.LOOKING, -1, -1, false));
        election.start(ctx.currentEpoch, ctx.log.lastZxid(), out);
        if (ctx.configs.soleVoter(ctx.myId())) {
            decide(new Decision(ctx.myId(), election.proposal(), election.logicalClock()), out);
        }
    }

    private void decide(Decision d, Actions.Builder out) {
        // A member the configuration does not name (a joiner, or one a reconfig removed) still
        // follows, as a non-voting follower, as ZooKeeper's do: nothing it says counts anywhere.
        decision = d;
        observingInRole = observing();
        if (d.leaderId() == ctx.myId() && !observing()) {
            role = Role.LEADING;
            leader = new LeaderRole(ctx);
            out.role(new RoleChange(Role.LEADING, ctx.myId(), -1, false));
            leader.start(out);
        } else {
            role = Role.FOLLOWING;
            follower = new FollowerRole(ctx, d.leaderId(), d.electionEpoch());
            out.role(new RoleChange(Role.FOLLOWING, d.leaderId(), -1, false));
            follower.start(out);
        }
    }

    private Actions finish(Actions.Builder out) {
        if (ctx.configs.takeChanged()) {
            onCommittedConfigChange(out);
        }
        boolean ended = (role == Role.LEADING && leader.isDone()) || (role == Role.FOLLOWING && follower.isDone());
        if (ended) {
            goLooking(out);
        }
        ctx.log.trim(ctx.config.maxHistory());
        return out.build();
    }

    /**
     * A new configuration committed while leading or following. A leader that no longer votes steps
     * down (the new voters elect among themselves); a learner whose role changed (participant and
     * observer) or that was removed ends its role and joins again as what it now is (a removed one
     * as a non-voting follower).
     */
    private void onCommittedConfigChange(Actions.Builder out) {
        Membership now = ctx.configs.committed();
        if (role == Role.LEADING && !now.isVoter(ctx.myId())) {
            ctx.stats.stepDowns++;
            leader.stop(out);
        } else if (role == Role.FOLLOWING && (observing() != observingInRole || !now.isMember(ctx.myId()))) {
            follower.stop(out);
        }
    }

    // ---- introspection (adapters, metrics, tests) ----

    public long myId() {
        return ctx.myId();
    }

    /**
     * The role. An observer learns from the leader as a follower does, so it reports
     * {@link Role#FOLLOWING} while it observes; {@link #observing()} tells the two apart.
     */
    public Role role() {
        return role;
    }

    /** True when this member is an observer: it never votes nor counts toward a quorum. */
    public boolean observing() {
        return ctx.configs.observing(ctx.myId());
    }

    /** The last configuration this member knows committed. */
    public Membership committedConfig() {
        return ctx.configs.committed();
    }

    /** The configuration a reconfig in this member's log proposes, while its commit is unknown; or null. */
    public Membership pendingConfig() {
        return ctx.configs.pending();
    }

    /** The leader this member leads or follows, or -1 while LOOKING. */
    public long leaderId() {
        return switch (role) {
            case LEADING -> ctx.myId();
            case FOLLOWING -> follower.leaderId();
            default -> -1;
        };
    }

    /** True while this member may serve clients: an established leader, or a follower that got UPTODATE. */
    public boolean isServing() {
        return (role == Role.LEADING && leader.isServing()) || (role == Role.FOLLOWING && follower.isServing());
    }

    /** The epoch being led or followed, or -1. */
    public long epoch() {
        return switch (role) {
            case LEADING -> leader.epoch();
            case FOLLOWING -> follower.epoch();
            default -> -1;
        };
    }

    public long acceptedEpoch() {
        return ctx.acceptedEpoch;
    }

    public long currentEpoch() {
        return ctx.currentEpoch;
    }

    public long lastZxid() {
        return ctx.log.lastZxid();
    }

    public long appliedZxid() {
        return ctx.log.appliedZxid();
    }

    /** The leader's commit point, if leading and serving. */
    public Optional<Long> leaderCommitZxid() {
        return role == Role.LEADING && leader.isServing() ? Optional.of(leader.commitZxid()) : Optional.empty();
    }

    /** Followers connected to this member while it leads; 0 otherwise. */
    public int learnerCount() {
        return role == Role.LEADING ? leader.learnerCount() : 0;
    }

    /** Voting followers synced with this member while it leads; 0 otherwise. */
    public int syncedFollowerCount() {
        return role == Role.LEADING ? leader.syncedFollowerCount() : 0;
    }

    /**
     * Followers synced with this member while it leads that vote in no configuration in force
     * (joiners before the reconfig that adds them, removed members; ZooKeeper's
     * zk_synced_non_voting_followers); 0 otherwise.
     */
    public int syncedNonVotingFollowerCount() {
        return role == Role.LEADING ? leader.syncedNonVotingFollowerCount() : 0;
    }

    /** Observers synced with this member while it leads, by id; empty otherwise. */
    public java.util.SortedSet<Long> syncedObservers() {
        return role == Role.LEADING ? leader.syncedObservers() : java.util.Collections.emptySortedSet();
    }

    /**
     * While this member leads and serves: its synced voting followers, by id, each with the highest
     * zxid it acked (a follower's lag is how far that is behind {@link #lastZxid()}); empty otherwise.
     * A read-only copy for figures; the protocol never reads it.
     */
    public java.util.SortedMap<Long, Long> followerAckedZxids() {
        return role == Role.LEADING && leader.isServing() ? leader.followerAckedZxids()
                : java.util.Collections.emptySortedMap();
    }

    /** Syncs waiting for a quorum while this member leads; 0 otherwise. */
    public int pendingSyncCount() {
        return role == Role.LEADING ? leader.pendingSyncCount() : 0;
    }

    public ZabStats stats() {
        return ctx.stats;
    }

    public long ticks() {
        return ctx.now;
    }
}
