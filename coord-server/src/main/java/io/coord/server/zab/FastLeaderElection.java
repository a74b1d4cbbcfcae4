package io.coord.server.zab;

import io.coord.server.zab.ZabMessage.PeerState;
import io.coord.server.zab.ZabMessage.Vote;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fast leader election, one round per {@link #start}. Votes are ordered by (peerEpoch, zxid, id):
 * a member adopts any better vote it hears in its round and re-broadcasts; a quorum of identical
 * votes in the round elects. Members that are already FOLLOWING/LEADING answer LOOKING members with
 * the vote that elected their leader, so a member coming up later joins the existing leader once a
 * quorum reports it and the leader itself confirms it is LEADING.
 * Election only needs to pick a good candidate; safety is enforced by discovery.
 * An observer takes no part in the vote: voters ignore its notifications, and it only listens for
 * the settled votes voters answer them with, joining the leader a quorum of them reports (as
 * ZooKeeper's observers find their leader). Quorums here are of the committed configuration only,
 * also while a reconfig is pending: the election only picks a candidate, and the leader's own
 * quorums (epoch, NEWLEADER, commits) are of both configurations. Any quorum of the committed
 * configuration holds a member that logged a pending change that could have committed, and the best
 * ballot carries it, so the leader chosen knows the change. Asking the election for both quorums
 * deadlocks when the change makes observers voters: they do not know it and never vote (ZAB
 * simulation with reconfigs, seed 817).
 */
final class FastLeaderElection {
    /** What a member currently votes for. */
    record Ballot(long leaderId, long zxid, long peerEpoch) {
        boolean beats(Ballot o) {
            if (peerEpoch != o.peerEpoch) {
                return peerEpoch > o.peerEpoch;
            }
            if (zxid != o.zxid) {
                return zxid > o.zxid;
            }
            return leaderId > o.leaderId;
        }
    }

    /** The outcome of a round. */
    record Decision(long leaderId, Ballot ballot, long electionEpoch) {
    }

    private final long myId;
    private final MembershipState configs;
    private long logicalClock;
    private Ballot proposal;
    private Ballot self;
    private final Map<Long, Ballot> received = new HashMap<>();
    private final Map<Long, Vote> outOfElection = new HashMap<>();
    private int ticksSinceBroadcast;

    FastLeaderElection(long myId, MembershipState configs) {
        this.myId = myId;
        this.configs = configs;
    }

    private boolean observing() {
        return configs.observing(myId);
    }

    long logicalClock() {
        return logicalClock;
    }

    Ballot proposal() {
        return proposal;
    }

    /** Starts a new round voting for ourselves with our history (currentEpoch, lastZxid). */
    void start(long currentEpoch, long lastZxid, Actions.Builder out) {
        logicalClock++;
        self = new Ballot(myId, lastZxid, currentEpoch);
        proposal = self;
        received.clear();
        outOfElection.clear();
        received.put(myId, proposal);
        broadcast(out);
    }

    /** Resends our notification periodically: messages may be lost. */
    void tick(int resendTicks, Actions.Builder out) {
        if (++ticksSinceBroadcast >= resendTicks) {
            broadcast(out);
        }
    }

    private void broadcast(Actions.Builder out) {
        ticksSinceBroadcast = 0;
        for (long id : configs.allVoters()) {
            if (id != myId) {
                out.send(id, notification());
            }
        }
    }

    Vote notification() {
        Membership c = configs.committed();
        return new Vote(proposal.leaderId(), proposal.zxid(), proposal.peerEpoch(), logicalClock, PeerState.LOOKING,
                c.version(), c.encoded());
    }

    /** Handles a notification while LOOKING; returns the decision if this round is over. */
    Optional<Decision> onVote(long from, Vote n, Actions.Builder out) {
        if (!configs.isVoterInAny(from) || from == myId) {
            return Optional.empty();
        }
        Ballot theirs = new Ballot(n.leaderId(), n.zxid(), n.peerEpoch());
        if (n.state() == PeerState.LOOKING) {
            if (observing()) {
                return Optional.empty(); // an observer never adopts nor counts a vote
            }
            return onLookingVote(from, n, theirs, out);
        }
        return onSettledVote(from, n, theirs);
    }

    private Optional<Decision> onLookingVote(long from, Vote n, Ballot theirs, Actions.Builder out) {
        if (n.electionEpoch() > logicalClock) {
            logicalClock = n.electionEpoch();
            received.clear();
            proposal = theirs.beats(self) ? theirs : self;
            received.put(myId, proposal);
            broadcast(out);
        } else if (n.electionEpoch() < logicalClock) {
            out.send(from, notification());
            return Optional.empty();
        } else if (theirs.beats(proposal)) {
            proposal = theirs;
            received.put(myId, proposal);
            broadcast(out);
        }
        received.put(from, theirs);
        if (configs.isCommittedQuorum(agreeing(received, proposal))) {
            return Optional.of(new Decision(proposal.leaderId(), proposal, logicalClock));
        }
        return Optional.empty();
    }

    /** The members whose vote is {@code b}. */
    private static List<Long> agreeing(Map<Long, Ballot> votes, Ballot b) {
        List<Long> ids = new ArrayList<>();
        for (Map.Entry<Long, Ballot> e : votes.entrySet()) {
            if (e.getValue().equals(b)) {
                ids.add(e.getKey());
            }
        }
        return ids;
    }

    /** A FOLLOWING/LEADING member told us whom it follows. */
    private Optional<Decision> onSettledVote(long from, Vote n, Ballot theirs) {
        outOfElection.put(from, n);
        List<Long> support = new ArrayList<>();
        boolean leaderConfirms = false;
        for (Map.Entry<Long, Vote> e : outOfElection.entrySet()) {
            Vote v = e.getValue();
            // Only the leader id: members may have joined the same leader through different rounds.
            if (v.leaderId() == n.leaderId()) {
                support.add(e.getKey());
                if (e.getKey() == n.leaderId() && v.state() == PeerState.LEADING) {
                    leaderConfirms = true;
                }
            }
        }
        // A settled vote of our own round counts with the round's votes, ours among them (as
        // ZooKeeper's recvset): with a bare quorum alive, the others may have decided on votes that
        // include ours while one of theirs never reached us, and the settled members alone are one
        // short of a quorum for good (whole-member simulation, 5 members, 2 of them down: seed 4210).
        boolean ourRound = n.electionEpoch() == logicalClock && !observing();
        if (ourRound) {
            received.put(from, theirs);
        }
        boolean roundQuorum = ourRound && configs.isCommittedQuorum(agreeing(received, theirs));
        if (n.leaderId() == myId) {
            // Members that already follow us in our own round make us lead, as ZooKeeper's checkLeader
            // allows; from another round, never (we are not leading). Without this, the followers
            // time out one by one while we wait for LOOKING votes of our round that never come (ZAB
            // simulation with reconfigs, seed 77).
            return roundQuorum ? Optional.of(new Decision(myId, theirs, logicalClock)) : Optional.empty();
        }
        if (!leaderConfirms) {
            return Optional.empty();
        }
        if (configs.isCommittedQuorum(support) || roundQuorum) {
            logicalClock = n.electionEpoch();
            proposal = theirs;
            return Optional.of(new Decision(n.leaderId(), theirs, n.electionEpoch()));
        }
        return Optional.empty();
    }
}
