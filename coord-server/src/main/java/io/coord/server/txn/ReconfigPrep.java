package io.coord.server.txn;

import io.coord.server.config.ConfigException;
import io.coord.server.config.DynamicConfig;
import io.coord.server.config.ServerAddress;
import io.coord.server.tree.DataTree;
import io.coord.wire.ErrorCode;
import io.coord.wire.KeeperError;
import io.coord.wire.Perms;
import io.coord.wire.ReconfigRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The leader's checks of a reconfig request and the configuration it asks for, in ZooKeeper 3.9's
 * order (PrepRequestProcessor, case reconfig): {@code curConfigId} other than -1 and the current
 * version is BADVERSION; {@code newMembers} (non-incremental: the whole new membership, lines
 * separated by newlines or commas) or else {@code leavingServers} (ids) then {@code joiningServers}
 * ({@code server.N=host:q:e[:role];[clientHost:]clientPort}, a client address required) applied to
 * the current membership; fewer than two voters, an unreadable line or a joiner whose quorum or
 * election address another member has is BADARGUMENTS; then WRITE on {@code /zookeeper/config}
 * (the super user passes) or NOAUTH. Whether a quorum of the new voters is synced with the leader
 * (NEWCONFIGNOQUORUM) is the ZAB core's check, made when the change is proposed, after these ones.
 *
 * <p>Coord refuses one thing ZooKeeper allows: moving an existing member's quorum address (host or
 * quorum port) or client address, since a running member does not rebind its listeners (README).
 * The election port is carried in the text and never bound, so it may change.
 */
public final class ReconfigPrep {
    private ReconfigPrep() {
    }

    /** The configuration {@code r} asks for (its version still the current one's), or KeeperError. */
    public static DynamicConfig next(ReconfigRequest r, DynamicConfig current, TxnPrep perms, PrepContext ctx)
            throws KeeperError {
        if (r.curConfigId() != -1 && r.curConfigId() != current.version()) {
            throw new KeeperError(ErrorCode.BADVERSION, DataTree.CONFIG);
        }
        Map<Long, ServerAddress> next;
        try {
            next = r.newMembers() != null ? DynamicConfig.parse(r.newMembers()).servers()
                    : incremental(r, current.servers());
        } catch (ConfigException | NumberFormatException e) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, DataTree.CONFIG);
        }
        DynamicConfig candidate = new DynamicConfig(next, current.version());
        if (candidate.voters().size() < 2) {
            // ZooKeeper with standaloneEnabled (its default): "new configuration must include at least 2 followers".
            throw new KeeperError(ErrorCode.BADARGUMENTS, DataTree.CONFIG);
        }
        checkUnmoved(current.servers(), next);
        perms.checkPerm(DataTree.CONFIG, Perms.WRITE, ctx);
        return candidate;
    }

    private static Map<Long, ServerAddress> incremental(ReconfigRequest r, Map<Long, ServerAddress> current)
            throws KeeperError {
        Map<Long, ServerAddress> next = new TreeMap<>(current);
        for (String leaving : split(r.leavingServers())) {
            next.remove(Long.parseLong(leaving));
        }
        for (String joiner : split(r.joiningServers())) {
            String[] parts = joiner.split("=");
            if (parts.length != 2) {
                throw new KeeperError(ErrorCode.BADARGUMENTS, DataTree.CONFIG); // "Wrong format of server string"
            }
            long id = Long.parseLong(parts[0].substring(parts[0].lastIndexOf('.') + 1).trim());
            ServerAddress a = DynamicConfig.parse("server." + id + "=" + parts[1].trim()).servers().get(id);
            if (a.clientAddress() == null) {
                // "each server should have at least 3 ports specified"
                throw new KeeperError(ErrorCode.BADARGUMENTS, DataTree.CONFIG);
            }
            for (ServerAddress other : next.values()) {
                if (other.id() != id && sameHost(a, other)
                        && (a.quorumPort() == other.quorumPort() || a.electionPort() == other.electionPort())) {
                    throw new KeeperError(ErrorCode.BADARGUMENTS, DataTree.CONFIG); // checkAddressDuplicate
                }
            }
            next.put(id, a);
        }
        return next;
    }

    /** ZooKeeper's StringUtils.split: comma-separated, trimmed, empty parts left out; null: none. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        if (s != null) {
            for (String p : s.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    private static boolean sameHost(ServerAddress a, ServerAddress b) {
        return a.host().equalsIgnoreCase(b.host());
    }

    private static void checkUnmoved(Map<Long, ServerAddress> current, Map<Long, ServerAddress> next)
            throws KeeperError {
        for (ServerAddress now : next.values()) {
            ServerAddress was = current.get(now.id());
            if (was == null) {
                continue;
            }
            boolean quorumMoved = !sameHost(was, now) || was.quorumPort() != now.quorumPort();
            boolean clientMoved = was.clientAddress() != null && now.clientAddress() != null
                    && !Objects.equals(was.clientAddress(), now.clientAddress());
            if (quorumMoved || clientMoved) {
                throw new KeeperError(ErrorCode.BADARGUMENTS, DataTree.CONFIG);
            }
        }
    }
}
