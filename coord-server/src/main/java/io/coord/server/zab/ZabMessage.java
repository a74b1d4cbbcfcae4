package io.coord.server.zab;

import java.util.List;

/**
 * Every message exchanged between ensemble members. Messages after election belong to a follower
 * session (a random id chosen by the follower per connection attempt); a receiver drops any message
 * whose session is not its current one, so late or duplicated messages of an old session are inert.
 * Inside a session the transport is expected to be FIFO and lossless (TCP); the core detects
 * violations (gaps) and restarts the session instead of corrupting its history.
 */
public sealed interface ZabMessage {

    /** Peer state as carried in election notifications. */
    enum PeerState { LOOKING, FOLLOWING, LEADING }

    /**
     * Fast-leader-election notification: the sender's current vote for {@code leaderId} whose history
     * is ({@code peerEpoch} = its currentEpoch, {@code zxid} = its last zxid), in round {@code electionEpoch}.
     * It also carries the sender's committed configuration ({@code configVersion}, and its
     * {@link Membership#encoded()} form), as ZooKeeper's notifications do: a member that missed a
     * reconfig learns it here.
     */
    record Vote(long leaderId, long zxid, long peerEpoch, long electionEpoch, PeerState state,
                long configVersion, byte[] config) implements ZabMessage {
        public Vote {
            config = config == null ? new byte[0] : config;
        }

        /** A vote without a configuration (version 0: one no reconfig has changed). */
        public Vote(long leaderId, long zxid, long peerEpoch, long electionEpoch, PeerState state) {
            this(leaderId, zxid, peerEpoch, electionEpoch, state, 0, new byte[0]);
        }
    }

    /** Follower to leader: open a session; carries the follower's acceptedEpoch. */
    record FollowerInfo(long session, long acceptedEpoch) implements ZabMessage {
    }

    /** Leader to follower: the new epoch (NEWEPOCH / LEADERINFO). */
    record LeaderInfo(long session, long epoch) implements ZabMessage {
    }

    /**
     * Follower to leader: epoch accepted (durably, if {@code counted}). {@code counted} is false when the
     * follower had already accepted this epoch before; it may then sync but not vote for the epoch.
     * {@code needSnap} asks for a full snapshot because an earlier DIFF/TRUNC did not fit its log.
     */
    record AckEpoch(long session, long currentEpoch, long lastZxid, boolean counted, boolean needSnap)
            implements ZabMessage {
    }

    /**
     * Leader to follower: the synchronisation bundle followed by NEWLEADER. The follower installs
     * {@code snapshot} (SNAP) or truncates after {@code baseZxid} (TRUNC; no-op for DIFF), appends
     * {@code entries}, persists currentEpoch = {@code epoch}, and acks once all of that is durable.
     * Entries up to {@code commitZxid} are already committed. {@code configVersion} and {@code config}
     * are the leader's committed configuration (a snapshot's members are not in its entries).
     */
    record NewLeader(long session, long epoch, SyncMode mode, long baseZxid, byte[] snapshot,
                     List<LogEntry> entries, long commitZxid, long configVersion, byte[] config) implements ZabMessage {
        public NewLeader {
            entries = List.copyOf(entries);
            config = config == null ? new byte[0] : config;
        }

        /** A bundle without a configuration. */
        public NewLeader(long session, long epoch, SyncMode mode, long baseZxid, byte[] snapshot,
                         List<LogEntry> entries, long commitZxid) {
            this(session, epoch, mode, baseZxid, snapshot, entries, commitZxid, 0, new byte[0]);
        }
    }

    /** Leader to follower: the leader is established; the follower may serve. */
    record UpToDate(long session, long commitZxid) implements ZabMessage {
    }

    /** Leader to follower: a proposal. */
    record Propose(long session, long zxid, byte[] data) implements ZabMessage {
    }

    /**
     * Follower to leader: cumulative ack, the follower's log is durable through {@code zxid} and its
     * currentEpoch is the leader's epoch; also echoes the last ping {@code round} seen.
     */
    record Ack(long session, long zxid, long round) implements ZabMessage {
    }

    /**
     * Leader to observer: a committed txn, proposal and commit in one (ZooKeeper's INFORM). An
     * observer never sees a proposal before it commits, so nothing it holds can be undone.
     * {@code prevZxid} is the txn before it in the leader's history: informs cross epochs (the
     * previous epochs' tail commits after the sync bundle was cut), so only this tells a lost one.
     */
    record Inform(long session, long prevZxid, long zxid, byte[] data) implements ZabMessage {
    }

    /** Leader to follower: everything through {@code zxid} is committed. */
    record Commit(long session, long zxid) implements ZabMessage {
    }

    /**
     * Leader to follower heartbeat; {@code lastZxid} lets the follower detect lost proposals and
     * {@code established} repeats UPTODATE in case it was lost.
     */
    record Ping(long session, long round, long commitZxid, long lastZxid, boolean established) implements ZabMessage {
    }

    /** Follower to leader: linearizable sync request. */
    record SyncRequest(long session, long syncId) implements ZabMessage {
    }

    /** Leader to follower: the sync completes once the follower has applied through {@code zxid}. */
    record SyncReply(long session, long syncId, long zxid) implements ZabMessage {
    }
}
