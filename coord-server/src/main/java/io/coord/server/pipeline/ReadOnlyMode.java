package io.coord.server.pipeline;

import io.coord.server.config.ServerConfig;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.OpCode;
import io.coord.server.zab.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only mode ({@code readonlymode.enabled}), as ZooKeeper's read-only server has it: a member
 * that has been looking for a quorum for a grace period answers clients that connect with
 * {@code canBeReadOnly} with a read-only session, serves reads of its last committed state and
 * refuses everything that would change state (and sync, and a lone check) with NOTREADONLY. Its
 * sessions live only on this member, in a table of member-local sessions of their own
 * ({@link Sessions#readOnlySessions}: a {@link LocalSessions}, as local sessions have), expire there
 * ({@link Sessions#expireMemberLocal}), and are forgotten with every connection when the member
 * joins a quorum again; the client then opens a read-write session (ZooKeeper's client never reattaches a session it only
 * ever had read-only). A global session (one of the replicated state) is not reattached here, as in
 * ZooKeeper. Request-thread only.
 */
final class ReadOnlyMode {
    private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyMode.class);

    private ReadOnlyMode() {
    }

    /**
     * When a member is read-only: from the moment its core has been looking for a quorum for
     * ZooKeeper's grace period (tickTime, at least 2 s) until the core leaves LOOKING.
     */
    static final class Switch {
        /** ZooKeeper's lower bound of the time a member looks for a quorum before it turns read-only. */
        static final long GRACE_MS = 2_000;
        private final boolean enabled;
        private final long graceMs;
        private Role role = Role.LOOKING;
        private long lookingSinceMs;
        private boolean active;

        Switch(ServerConfig config, long nowMs) {
            // A standalone server (the only voter) never loses its quorum.
            this.enabled = config.readOnlyModeEnabled() && !config.standalone();
            this.graceMs = Math.max(GRACE_MS, config.tickTimeMs());
            this.lookingSinceMs = nowMs;
        }

        boolean active() {
            return active;
        }

        /** The core's role or serving state changed; true when read-only mode ends with it. */
        boolean roleChanged(Role newRole, boolean serving, long nowMs) {
            if (newRole == Role.LOOKING && role != Role.LOOKING) {
                lookingSinceMs = nowMs;
            }
            role = newRole;
            boolean ends = active && (serving || newRole != Role.LOOKING);
            if (ends) {
                active = false;
            }
            return ends;
        }

        /** True (once) when read-only mode starts now. */
        boolean due(Role coreRole, boolean serving, long nowMs) {
            if (!enabled || active || serving || coreRole != Role.LOOKING || role != Role.LOOKING
                    || nowMs - lookingSinceMs < graceMs) {
                return false;
            }
            active = true;
            return true;
        }
    }

    /** A handshake of a client that can be read-only, while this member is read-only. */
    static void connect(Sessions sessions, Connection conn, ConnectRequest req, int timeoutMs) {
        LocalSessions table = sessions.readOnlySessions();
        long id = req.sessionId();
        if (id == 0) {
            long newId = sessions.newSessionId();
            byte[] password = table.create(newId, timeoutMs);
            LOG.info("read-only session 0x{} for {}", Long.toHexString(newId), conn.channel.describe());
            sessions.bindReadOnly(conn, newId, timeoutMs, password);
            return;
        }
        if (table.reattach(id, req.passwd())) { // authentication is per connection, as for global sessions
            sessions.bindReadOnly(conn, id, table.table().timeoutMs(id), table.table().password(id));
            return;
        }
        if (sessions.isGlobal(id)) {
            LOG.info("refusing to reattach global session 0x{} from {} in read-only mode", Long.toHexString(id),
                    conn.channel.describe());
            conn.close("a global session is not reattached in read-only mode");
            return;
        }
        LOG.info("read-only session 0x{} from {} is expired or the password is wrong", Long.toHexString(id),
                conn.channel.describe());
        sessions.answerExpired(conn, Boolean.TRUE);
    }

    /** Whether a read-only server refuses this op with NOTREADONLY (ZooKeeper's list). */
    static boolean refused(int opCode) {
        return opCode == OpCode.SYNC || opCode == OpCode.CHECK || opCode == OpCode.RECONFIG
                || opCode == OpCode.DELETE_CONTAINER
                || (EnsembleClients.isWrite(opCode) && opCode != OpCode.CLOSE_SESSION);
    }

    /** A request of a read-only session: answered at once, from this member alone. */
    static void answer(Connection conn, Request req, Sessions sessions, Replier replier, LocalOps local,
                       OutputGate gate) {
        if (req.type() == OpCode.CLOSE_SESSION) {
            sessions.closeReadOnly(conn.sessionId);
            replier.ok(conn, req, null);
            gate.emitClose(conn);
        } else if (refused(req.type())) {
            replier.error(conn, req, ErrorCode.NOTREADONLY);
        } else {
            local.answer(conn, req);
        }
    }
}
