package io.coord.server.pipeline;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.txn.TxnCodec;
import io.coord.server.zab.Role;
import io.coord.server.zab.ZabMessage;
import io.coord.server.zab.ZabStats;
import io.coord.server.zab.Zxid;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * ZooKeeper's replication figures, measured where the adapter hands the ZAB core its messages,
 * proposes, learns what its log made durable and carries out the core's applies (the request
 * thread only; plain fields). A standalone server (one voter) proposes to nobody: its proposal,
 * commit and ack figures stay at zero, as ZooKeeper's standalone server's; it prepares txns and
 * applies them as any leader (prep_process_time, close_session_prep_time, proposal_process_time,
 * propagation_latency).
 *
 * <p>Leader: {@code proposal_count}; {@code commit_count} (txns of its epoch it committed: a quorum
 * logged them); {@code last/min/max_proposal_size} (bytes of each proposed txn as the followers
 * receive it, since it took the leader's role, as ZooKeeper's Leader.proposalStats);
 * {@code quorum_ack_latency} (ms from proposing a txn to its commit) and {@code ack_latency} per
 * voting follower (ms from proposing a txn to that follower's ack covering it; Coord's acks are
 * cumulative, so one ack may answer several txns, each recorded). ZooKeeper measures both from the
 * txn's time; Coord from when it proposed it (the same moment: the txn is prepared right then).
 *
 * <p>Learner: {@code learner_proposal_received_count}, {@code learner_commit_received_count} (txns
 * the leader told it were committed, by COMMIT or, on an observer, INFORM: one per txn, as
 * ZooKeeper's COMMIT packets, though Coord's commits are cumulative), {@code proposal_latency} (ms
 * from the txn's time on the leader's wall clock to the proposal's arrival) and
 * {@code commit_propagation_latency} (to its commit here). Every serving member:
 * {@code propagation_latency} (txn time to applied here). The last three compare two machines'
 * wall clocks, as ZooKeeper's do; a negative value (clock skew) is left out, as there. Both:
 * {@code proposal_ack_creation_latency} (each txn's time to durable in this member's log).
 * {@code revalidate_count}: sessions that moved to another member, told to the leader.
 */
final class QuorumFigures {
    private final ProposalTimes proposalTimes = new ProposalTimes();
    /** A follower's proposals received: zxid to the txn's time (the leader's wall clock), for ack creation. */
    private final ProposalTimes receivedTxnTimes = new ProposalTimes();
    private final SummaryRecorder ackCreationMs = new SummaryRecorder(true);
    /** The highest zxid this member's log had made durable when last told. */
    private long loggedZxid;
    /** This member is an observer. */
    private boolean observing;
    private ZabStats zab;
    private LongPredicate observer = id -> false;
    private Clock clock;
    private QuorumLink link;
    /** A standalone server is a one-voter ensemble: it logs its writes as proposals, but proposes to nobody. */
    private boolean standalone;
    private long proposals;
    private long commits;
    private long learnerProposals;
    private long learnerCommits;
    private long revalidations;
    private int lastProposalBytes = -1;
    private int minProposalBytes = -1;
    private int maxProposalBytes = -1;
    private final SummaryRecorder quorumAckLatencyMs = new SummaryRecorder(true);
    private final SummaryRecorder proposalLatencyMs = new SummaryRecorder(true);
    private final SummaryRecorder commitPropagationLatencyMs = new SummaryRecorder(true);
    private final SummaryRecorder propagationLatencyMs = new SummaryRecorder(true);
    private final SummaryRecorder prepMs = new SummaryRecorder(false);
    private final SummaryRecorder closeSessionPrepMs = new SummaryRecorder(true);
    private final SummaryRecorder proposalProcessMs = new SummaryRecorder(false);
    /** When the txn being proposed was prepared; -1 when none is. */
    private long preparedAtNanos = -1;
    /** By voting follower id; kept across leaderships (a Prometheus summary only grows). */
    private final Map<Long, FollowerAcks> followers = new TreeMap<>();
    /** The position of this leadership's first proposal in {@link #proposalTimes}. */
    private long leadershipStart;
    /** Leaderships so far: tells a follower's ack of this one from an older one's. */
    private long leaderships;
    /** Learners the leader is syncing: id to {the bundle's last zxid, 1 for a SNAP else 0}. */
    private final Map<Long, long[]> syncing = new TreeMap<>();
    private int diffsInFlight;
    private int snapsInFlight;
    private final SummaryRecorder inflightDiffs = new SummaryRecorder(false);
    private final SummaryRecorder inflightSnaps = new SummaryRecorder(false);

    /**
     * Cursors into {@link #proposalTimes} / {@link #receivedTxnTimes}: where the last commit, log
     * sync and follower log sync left off (see {@link ProposalTimes#indexAfter(long, long)}).
     */
    private long appliedAt;
    private long loggedAt;
    private long receivedLoggedAt;

    /**
     * A member that acks: a voting follower's ack_latency and its highest ack in the leadership it
     * belongs to; an observer's entry only says it is one (its config entry, looked up once).
     */
    private static final class FollowerAcks {
        final SummaryRecorder latencyMs = new SummaryRecorder(true);
        final boolean observer;
        long ackedZxid;
        long leadership = -1;
        /** The position after the last proposal this follower's acks covered (a cursor). */
        long nextIndex;

        FollowerAcks(boolean observer) {
            this.observer = observer;
        }
    }

    /**
     * The core's own counters (diff_count, snap_count), the members (observers never ack proposals)
     * and the clocks: monotonic for what this member timed itself, wall for a txn's time.
     */
    QuorumFigures use(ZabStats zabStats, ServerConfig config, Clock clock, QuorumLink link) {
        this.link = link;
        this.zab = zabStats;
        this.observer = id -> config.servers().containsKey(id) && config.servers().get(id).observer();
        this.clock = clock;
        this.standalone = config.standalone();
        this.observing = observer.test(config.myId());
        return this;
    }

    /** This member's view of the quorum (its core's, with each follower's lag from the proposal times kept here). */
    io.coord.server.admin.QuorumStatus quorumStatus(io.coord.server.zab.ZabCore core, ServerConfig config) {
        String zabState = core.role() == Role.LOOKING ? "election" : core.isServing() ? "broadcast" : "synchronization";
        int voters = core.committedConfig().voters().size(); // the membership now, after any reconfig
        return new io.coord.server.admin.QuorumStatus(config.myId(), core.leaderId(), zabState, core.lastZxid(), voters,
                core.learnerCount(), core.syncedFollowerCount(), core.pendingSyncCount(),
                java.util.List.copyOf(core.syncedObservers()), core.observing(),
                proposalTimes.lags(core.followerAckedZxids(), core.lastZxid(), clock.nowMs()),
                core.syncedNonVotingFollowerCount(),
                new String(core.committedConfig().encoded(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * This member's role or serving state changed; {@code leads}: it leads and serves now. The link
     * measures its queues to learners only then; a new leadership starts proposal sizes and acks
     * again, as ZooKeeper's new Leader does.
     */
    void roleChanged(boolean leads) {
        link.leading(leads);
        if (leads) {
            leading();
        } else {
            syncing.clear();
            diffsInFlight = 0;
            snapsInFlight = 0;
        }
    }

    /**
     * The leader sent a message: a sync bundle (NEWLEADER with its DIFF, TRUNC or SNAP) starts a
     * learner's sync, recorded as ZooKeeper's leader records its syncs in flight
     * (inflight_diff_count, inflight_snap_count: how many are, this one included, at each start;
     * how many are left at each end).
     */
    void sent(long to, ZabMessage message) {
        if (!(message instanceof ZabMessage.NewLeader bundle)) {
            return;
        }
        syncEnded(to);
        boolean snap = bundle.mode() == io.coord.server.zab.SyncMode.SNAP;
        java.util.List<io.coord.server.zab.LogEntry> entries = bundle.entries();
        long lastZxid = entries.isEmpty() ? bundle.baseZxid() : entries.get(entries.size() - 1).zxid();
        syncing.put(to, new long[] {lastZxid, snap ? 1 : 0});
        if (snap) {
            inflightSnaps.record(++snapsInFlight);
        } else {
            inflightDiffs.record(++diffsInFlight);
        }
    }

    /** The link to a member went down: a sync with it is over. */
    void peerDown(long peer) {
        syncEnded(peer);
    }

    private void syncEnded(long learner) {
        long[] sync = syncing.remove(learner);
        if (sync == null) {
            return;
        }
        if (sync[1] == 1) {
            inflightSnaps.record(--snapsInFlight);
        } else {
            inflightDiffs.record(--diffsInFlight);
        }
    }

    private void leading() {
        lastProposalBytes = -1;
        minProposalBytes = -1;
        maxProposalBytes = -1;
        leaderships++;
        leadershipStart = proposalTimes.count();
    }

    /**
     * The leader (a standalone server too) prepared a txn for a request of {@code opCode} (checked
     * it against the tree and the txns in flight, as ZooKeeper's PrepRequestProcessor): its
     * prep_process_time, and close_session_prep_time for a closeSession.
     */
    void prepared(int opCode, long startNanos) {
        preparedAtNanos = clock.nowNanos();
        double ms = (preparedAtNanos - startNanos) / 1e6;
        prepMs.record(ms);
        if (opCode == io.coord.wire.OpCode.CLOSE_SESSION) {
            closeSessionPrepMs.record(ms);
        }
    }

    /**
     * The prepared txn was proposed: the core logged it and sent it to the followers (queued for the
     * log thread and the member links), as ZooKeeper's proposal_process_time times its
     * ProposalRequestProcessor.
     */
    void proposalProcessed() {
        if (preparedAtNanos >= 0) {
            proposalProcessMs.record((clock.nowNanos() - preparedAtNanos) / 1e6);
            preparedAtNanos = -1;
        }
    }

    /** The leader proposed {@code zxid}, a txn of {@code bytes} bytes. */
    void proposed(long zxid, int bytes) {
        proposalTimes.proposed(zxid, clock.nowMs());
        if (standalone) {
            return;
        }
        proposals++;
        lastProposalBytes = bytes;
        minProposalBytes = minProposalBytes < 0 ? bytes : Math.min(minProposalBytes, bytes);
        maxProposalBytes = Math.max(maxProposalBytes, bytes);
    }

    /** A message from another member, in this member's {@code role}: proposals to a follower, acks to the leader. */
    void received(long from, ZabMessage message, Role role) {
        if (message instanceof ZabMessage.Propose p && role == Role.FOLLOWING) {
            learnerProposals++;
            long txnTimeMs = TxnCodec.timeMsOf(p.data());
            recordAge(proposalLatencyMs, txnTimeMs, clock.wallMs());
            receivedTxnTimes.proposed(p.zxid(), txnTimeMs);
        } else if (message instanceof ZabMessage.Ack a && role == Role.LEADING) {
            long[] sync = syncing.get(from);
            if (sync != null && a.zxid() >= sync[0]) {
                syncEnded(from); // the learner holds the whole bundle
            }
            acked(from, a.zxid(), clock.nowMs());
        }
    }

    /**
     * The leader took note that a session reconnected to another member (Coord's REATTACH): a
     * learner's session revalidation, ZooKeeper's revalidate_count, which counts the learners' only.
     */
    void reattached(boolean byLearner) {
        if (byLearner) {
            revalidations++;
        }
    }

    /** A voting follower acked everything up to {@code zxid}: each txn it newly covers gets its ack latency. */
    private void acked(long follower, long zxid, long nowMs) {
        FollowerAcks f = followers.get(follower);
        if (f == null) {
            f = new FollowerAcks(observer.test(follower));
            followers.put(follower, f);
        }
        if (f.observer) {
            return;
        }
        if (f.leadership != leaderships) {
            // The first ack of a leadership answers the sync (the whole history), not proposals.
            f.leadership = leaderships;
            f.ackedZxid = zxid;
            return;
        }
        long i = Math.max(leadershipStart, proposalTimes.indexAfter(f.ackedZxid, f.nextIndex));
        for (; i < proposalTimes.count() && proposalTimes.zxidAt(i) <= zxid; i++) {
            f.latencyMs.record(Math.max(0, nowMs - proposalTimes.proposedAtMs(i)));
        }
        if (zxid >= f.ackedZxid) {
            f.nextIndex = i;
        }
        f.ackedZxid = Math.max(f.ackedZxid, zxid);
    }

    /**
     * This member's log made everything up to {@code durableZxid} durable, in {@code role}: the
     * moment ZooKeeper's leader acks its own proposal and its followers create their acks
     * (proposal_ack_creation_latency: from the txn's time, for each txn newly durable; the leader's
     * from when it proposed, the same moment). Observers ack nothing; a standalone server neither.
     */
    void logged(long durableZxid, Role role) {
        long before = loggedZxid;
        loggedZxid = durableZxid;
        if (durableZxid <= before || standalone) {
            return;
        }
        if (role == Role.LEADING) {
            long nowMs = clock.nowMs();
            long i = proposalTimes.indexAfter(before, loggedAt);
            for (; i < proposalTimes.count() && proposalTimes.zxidAt(i) <= durableZxid; i++) {
                ackCreationMs.record(Math.max(0, nowMs - proposalTimes.proposedAtMs(i)));
            }
            loggedAt = i;
        } else if (role == Role.FOLLOWING && !observing) {
            long wallMs = clock.wallMs();
            long i = receivedTxnTimes.indexAfter(before, receivedLoggedAt);
            for (; i < receivedTxnTimes.count() && receivedTxnTimes.zxidAt(i) <= durableZxid; i++) {
                recordAge(ackCreationMs, receivedTxnTimes.proposedAtMs(i), wallMs);
            }
            receivedLoggedAt = i;
        }
    }

    /**
     * A committed txn was applied here. {@code servingRole}: the role this member served clients in
     * then, LOOKING when it did not (the sync that precedes serving is not counted); {@code epoch}:
     * the epoch it served in (a new leader's commits of older epochs' txns are no proposals of its own).
     */
    void applied(long zxid, long txnTimeMs, Role servingRole, long epoch) {
        if (servingRole == Role.LOOKING || clock == null) {
            return;
        }
        long wallMs = clock.wallMs();
        recordAge(propagationLatencyMs, txnTimeMs, wallMs);
        if (servingRole == Role.FOLLOWING) {
            learnerCommits++;
            recordAge(commitPropagationLatencyMs, txnTimeMs, wallMs);
        } else if (servingRole == Role.LEADING && !standalone && Zxid.epochOf(zxid) == epoch) {
            commits++;
            long i = proposalTimes.indexAfter(zxid - 1, appliedAt);
            appliedAt = i;
            if (i < proposalTimes.count() && proposalTimes.zxidAt(i) == zxid) {
                quorumAckLatencyMs.record(Math.max(0, clock.nowMs() - proposalTimes.proposedAtMs(i)));
            }
        }
    }

    private static void recordAge(SummaryRecorder into, long sinceMs, long nowMs) {
        if (sinceMs >= 0 && nowMs >= sinceMs) {
            into.record(nowMs - sinceMs);
        }
    }

    /** ZooKeeper's counters measured here, by its names (every member). */
    void putCounters(Map<String, Long> into) {
        into.put("proposal_count", proposals);
        into.put("commit_count", commits);
        into.put("learner_proposal_received_count", learnerProposals);
        into.put("learner_commit_received_count", learnerCommits);
        into.put("revalidate_count", revalidations);
        // ZooKeeper's leader counts a TRUNC as a diff (LearnerHandler: anything but a snapshot).
        into.put("diff_count", zab == null ? 0 : zab.diffSyncs() + zab.truncSyncs());
        into.put("snap_count", zab == null ? 0 : zab.snapSyncs());
    }

    /** The leader's gauges (only while it leads, as ZooKeeper's LeaderZooKeeperServer registers them). */
    void putLeaderGauges(Map<String, Long> into) {
        into.put("last_proposal_size", (long) lastProposalBytes);
        into.put("min_proposal_size", (long) minProposalBytes);
        into.put("max_proposal_size", (long) maxProposalBytes);
    }

    void putSummaries(Map<String, MetricSummary> into) {
        into.put("quorum_ack_latency", quorumAckLatencyMs.snapshot());
        into.put("proposal_latency", proposalLatencyMs.snapshot());
        into.put("commit_propagation_latency", commitPropagationLatencyMs.snapshot());
        into.put("propagation_latency", propagationLatencyMs.snapshot());
        into.put("prep_process_time", prepMs.snapshot());
        into.put("proposal_ack_creation_latency", ackCreationMs.snapshot());
        into.put("inflight_diff_count", inflightDiffs.snapshot());
        into.put("inflight_snap_count", inflightSnaps.snapshot());
        into.put("close_session_prep_time", closeSessionPrepMs.snapshot());
        into.put("proposal_process_time", proposalProcessMs.snapshot());
    }

    /**
     * ZooKeeper's summary sets measured here: ack_latency keyed by follower id (once that follower
     * acked a proposal), learner_handler_qp_size and learner_handler_qp_time_ms keyed by learner id (the
     * link's queue to it).
     */
    void putSummarySets(Map<String, SortedMap<String, MetricSummary>> into) {
        SortedMap<String, MetricSummary> byFollower = new TreeMap<>();
        followers.forEach((id, f) -> {
            MetricSummary s = f.latencyMs.snapshot(); // an observer's stays empty
            if (s.count() > 0) {
                byFollower.put(Long.toString(id), s);
            }
        });
        if (!byFollower.isEmpty()) {
            into.put("ack_latency", byFollower);
        }
        putByLearner(into, "learner_handler_qp_size", link.learnerQueueSizes());
        putByLearner(into, "learner_handler_qp_time_ms", link.learnerQueueTimesMs());
    }

    private static void putByLearner(Map<String, SortedMap<String, MetricSummary>> into, String name,
                                     Map<Long, MetricSummary> byLearner) {
        SortedMap<String, MetricSummary> set = new TreeMap<>();
        byLearner.forEach((id, s) -> set.put(Long.toString(id), s));
        if (!set.isEmpty()) {
            into.put(name, set);
        }
    }
}
