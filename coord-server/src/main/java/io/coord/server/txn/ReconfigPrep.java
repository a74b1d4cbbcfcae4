package io.coord.server.txn;

import io.coord.server.config.ConfigException;
import io.coord.server.config.DynamicConfig;
import io.coord.server.config.ServerAddress;
import io.coord.server.tree.DataTree;
import io.coord.wire.ErrorCode;
import io.coord.wire.KeeperError;
import io.coord.wire.Perms;
import io.coord.wire.ReconfigRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>A joiner line of an existing member replaces that member's line, as ZooKeeper's does (its id
 * skipped in the duplicate check): its role, client address and quorum address (host, quorum port)
 * may change, as in ZooKeeper. When it takes the change the member moves its client port
 * ({@code net.ClientServer#rebindPlain}) and its quorum listener, and the others redial it at its
 * new quorum address ({@code quorum.QuorumTransport#updateMembers}). The election port is carried in
 * the text and never bound, so it may change. ZooKeeper's duplicate check skips loopback and wildcard addresses; Coord
 * compares host strings, loopback included (one machine runs all members in tests and
 * bin/coord-ensemble), and also refuses a client address another member listens on.
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
                if (other.id() != id && clashes(a, other)) {
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

    /**
     * Whether joiner {@code a} uses an address of {@code other}: the same quorum or election port on
     * the same host, or a client address (host and port) that is one of other's, a clash its member
     * would meet only when it binds (ZooKeeper's checkAddressDuplicate also counts client addresses).
     */
    private static boolean clashes(ServerAddress a, ServerAddress other) {
        if (sameHost(a, other) && (a.quorumPort() == other.quorumPort() || a.electionPort() == other.electionPort())) {
            return true;
        }
        InetSocketAddress client = a.clientAddress();
        if (client == null) {
            return false;
        }
        InetSocketAddress theirs = other.clientAddress();
        boolean sameClient = theirs != null && theirs.getPort() == client.getPort()
                && theirs.getHostString().equalsIgnoreCase(client.getHostString());
        boolean onTheirQuorumHost = client.getHostString().equalsIgnoreCase(other.host())
                && (client.getPort() == other.quorumPort() || client.getPort() == other.electionPort());
        return sameClient || onTheirQuorumHost;
    }
}
