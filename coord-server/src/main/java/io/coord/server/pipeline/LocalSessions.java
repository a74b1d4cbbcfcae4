package io.coord.server.pipeline;

import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.wire.CreateMode;
import io.coord.wire.CreateRequest;
import io.coord.wire.JuteRecord;
import io.coord.wire.MultiOp;
import io.coord.wire.MultiRequest;
import io.coord.wire.OpCode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A table of member-local sessions: sessions that live only on the member their client connected
 * to, created, reattached, closed and expired there without a txn, unknown to the leader and to
 * every other member (a client that takes the id elsewhere is told its session expired). Two kinds
 * share this one mechanism: ZooKeeper's local sessions ({@code localSessionsEnabled}, a table for as
 * long as the member serves) and the sessions of read-only mode ({@link ReadOnlyMode}, a table for as
 * long as the member is read-only). Ids come from the member's one id generator
 * ({@link Sessions#newSessionId}), so like every id this member makes (and as ZooKeeper's local
 * session ids) they carry the member id in their high byte and never collide with its global ones.
 *
 * <p>Upgrade ({@code localSessionsUpgradingEnabled}): a local session that wants what only a global
 * session may have (an ephemeral node, ZooKeeper's one such case) is made global through a
 * CreateSessionTxn with its own id, timeout and password before that request goes to the leader;
 * meanwhile it stays in this table, marked upgrading, until the txn is applied here.
 * Request-thread only.
 */
final class LocalSessions {
    /** What becomes of a write of a local session. */
    enum Route {
        /** To the leader like any write (persistent nodes, data, ACLs). */
        LEADER,
        /** Answered by this member: its close, or an ephemeral create refused (no upgrading). */
        HERE,
        /** Held until the session's upgrade is applied here, then sent to the leader in order. */
        AFTER_UPGRADE
    }

    private final SessionTracker table;
    /** Sessions whose CreateSessionTxn (the upgrade) has been sent to the leader and not applied yet. */
    private final Set<Long> upgrading = new HashSet<>();

    /** @param random the table's secret (its passwords derive from it): a SecureRandom in production */
    LocalSessions(Clock clock, int tickTimeMs, long myId, RandomGenerator random) {
        this.table = new SessionTracker(clock, tickTimeMs, myId, SessionTracker.newSecret(random));
    }

    /** The table itself: timeouts, passwords and the identities the sessions authenticated with. */
    SessionTracker table() {
        return table;
    }

    boolean contains(long id) {
        return table.contains(id);
    }

    /** A new session with {@code id}, due to expire {@code timeoutMs} from now; returns its password. */
    byte[] create(long id, int timeoutMs) {
        table.addSession(id, timeoutMs);
        return table.password(id);
    }

    /**
     * A client comes back with {@code id}: true when it is a live session here and the password is
     * right; its expiry restarts and its identities are dropped (authentication is per connection).
     */
    boolean reattach(long id, byte[] password) {
        if (!table.isValid(id) || !table.checkPassword(id, password)) {
            return false;
        }
        table.touch(id);
        table.clearAuth(id);
        return true;
    }

    /** The session is gone (closed by its client, or made global). */
    void remove(long id) {
        table.remove(id);
        upgrading.remove(id);
    }

    /** Sessions whose time is up, removed from the table. */
    List<Long> expire() {
        List<Long> due = table.expire();
        for (long id : due) {
            remove(id);
        }
        return due;
    }

    int size() {
        return table.size();
    }

    boolean upgrading(long id) {
        return upgrading.contains(id);
    }

    /** The upgrade of {@code id} was sent to the leader. */
    void startUpgrade(long id) {
        upgrading.add(id);
    }

    /** The upgrade's txn was not logged (a full disk): the session stays local. */
    void upgradeFailed(long id) {
        upgrading.remove(id);
    }

    /**
     * Where a write of local session {@code id} goes. While the session is upgrading, every write
     * waits, so that the leader still gets them in the client's order. A close is answered here; an
     * ephemeral create (or a multi holding one) needs a global session, so it waits for the upgrade
     * (the caller starts it) or, without upgrading, is refused here as ZooKeeper refuses it.
     */
    Route route(long id, Request req, boolean upgradingEnabled) {
        if (upgrading.contains(id)) {
            return Route.AFTER_UPGRADE;
        }
        if (req.type() == OpCode.CLOSE_SESSION) {
            return Route.HERE;
        }
        if (!createsEphemeral(req.type(), req.body())) {
            return Route.LEADER;
        }
        return upgradingEnabled ? Route.AFTER_UPGRADE : Route.HERE;
    }

    /**
     * Whether a request creates an ephemeral node: a create/create2 with an ephemeral mode, or a
     * multi with such an op (ZooKeeper's test for the requests that need a global session).
     */
    static boolean createsEphemeral(int type, JuteRecord body) {
        if ((type == OpCode.CREATE || type == OpCode.CREATE2) && body instanceof CreateRequest c) {
            CreateMode mode = CreateMode.fromFlag(c.flags());
            return mode != null && mode.isEphemeral();
        }
        if (type == OpCode.MULTI && body instanceof MultiRequest m) {
            for (MultiOp op : m.ops()) {
                if (createsEphemeral(op.type(), op.body())) {
                    return true;
                }
            }
        }
        return false;
    }
}
