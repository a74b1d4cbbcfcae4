package io.coord.server.pipeline;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeState;
import io.coord.server.tree.PathRules;
import io.coord.server.watch.WatchManager;
import io.coord.wire.Acl;
import io.coord.wire.ClientInfo;
import io.coord.wire.ErrorCode;
import io.coord.wire.ExistsRequest;
import io.coord.wire.GetACLRequest;
import io.coord.wire.GetACLResponse;
import io.coord.wire.GetAllChildrenNumberRequest;
import io.coord.wire.GetAllChildrenNumberResponse;
import io.coord.wire.GetChildren2Response;
import io.coord.wire.GetChildrenResponse;
import io.coord.wire.GetDataRequest;
import io.coord.wire.GetDataResponse;
import io.coord.wire.GetEphemeralsRequest;
import io.coord.wire.GetEphemeralsResponse;
import io.coord.wire.ExistsResponse;
import io.coord.wire.Id;
import io.coord.wire.JuteRecord;
import io.coord.wire.KeeperError;
import io.coord.wire.MultiOp;
import io.coord.wire.MultiRequest;
import io.coord.wire.MultiResponse;
import io.coord.wire.MultiResult;
import io.coord.wire.OpCode;
import io.coord.wire.Perms;
import io.coord.wire.Stat;
import io.coord.wire.WhoAmIResponse;
import io.coord.wire.GetChildrenRequest;
import io.coord.wire.GetChildren2Request;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Read requests: answered from the tree, registering watches as asked. Request-thread only. */
final class Reads {
    private final DataTree tree;
    private final WatchManager<Connection> watches;
    private final Sessions sessions;
    /** read_per_namespace: ZooKeeper's DataTree counts getData, exists and getChildren (path, data or names, a Stat). */
    private final NamespaceBytes readBytes;
    /** What ZooKeeper's DataTree counts for a Stat (STAT_OVERHEAD_BYTES: 6 longs, 5 ints). */
    private static final int STAT_BYTES = 6 * 8 + 5 * 4;

    Reads(DataTree tree, WatchManager<Connection> watches, Sessions sessions, NamespaceBytes readBytes) {
        this.tree = tree;
        this.watches = watches;
        this.sessions = sessions;
        this.readBytes = readBytes;
    }

    private void readFrom(String path, long bytes) {
        readBytes.record(path, path.length() + bytes + STAT_BYTES);
    }

    /** The reply body for a read op; throws KeeperError for the reply's error code. */
    JuteRecord read(Connection conn, int type, JuteRecord body) throws KeeperError {
        return switch (type) {
            case OpCode.EXISTS -> exists(conn, (ExistsRequest) body);
            case OpCode.GET_DATA -> getData(conn, (GetDataRequest) body);
            case OpCode.GET_CHILDREN -> {
                GetChildrenRequest r = (GetChildrenRequest) body;
                yield new GetChildrenResponse(children(conn, r.path(), r.watch()));
            }
            case OpCode.GET_CHILDREN2 -> {
                GetChildren2Request r = (GetChildren2Request) body;
                List<String> children = children(conn, r.path(), r.watch());
                yield new GetChildren2Response(children, tree.stat(r.path()));
            }
            case OpCode.GET_ACL -> getAcl(conn, (GetACLRequest) body);
            case OpCode.GET_EPHEMERALS -> getEphemerals(conn, (GetEphemeralsRequest) body);
            case OpCode.GET_ALL_CHILDREN_NUMBER -> allChildren(conn, (GetAllChildrenNumberRequest) body);
            case OpCode.WHO_AM_I -> whoAmI(conn);
            case OpCode.MULTI_READ -> multiRead(conn, (MultiRequest) body);
            default -> throw new KeeperError(ErrorCode.UNIMPLEMENTED, null);
        };
    }

    private JuteRecord exists(Connection conn, ExistsRequest r) throws KeeperError {
        checkPath(r.path());
        NodeState node = tree.node(r.path());
        // ZooKeeper 3.9 checks READ on exists too, before registering the watch.
        if (node != null && !sessions.allows(node.acl(), Perms.READ, conn)) {
            throw new KeeperError(ErrorCode.NOAUTH, r.path());
        }
        if (r.watch()) {
            if (node != null) {
                watches.addDataWatch(r.path(), conn);
            } else {
                watches.addExistWatch(r.path(), conn);
            }
        }
        if (node == null) {
            throw new KeeperError(ErrorCode.NONODE, r.path());
        }
        readFrom(r.path(), 0);
        return new ExistsResponse(tree.stat(r.path()));
    }

    private GetDataResponse getData(Connection conn, GetDataRequest r) throws KeeperError {
        NodeState node = readable(conn, r.path(), Perms.READ);
        if (r.watch()) {
            watches.addDataWatch(r.path(), conn);
        }
        readFrom(r.path(), node.data() == null ? 0 : node.data().length);
        return new GetDataResponse(node.data(), tree.stat(r.path()));
    }

    private List<String> children(Connection conn, String path, boolean watch) throws KeeperError {
        readable(conn, path, Perms.READ);
        if (watch) {
            watches.addChildWatch(path, conn);
        }
        List<String> children = tree.children(path);
        long bytes = 0;
        for (int i = 0; i < children.size(); i++) {
            bytes += children.get(i).length();
        }
        readFrom(path, bytes);
        return children;
    }

    private GetACLResponse getAcl(Connection conn, GetACLRequest r) throws KeeperError {
        NodeState node = readable(conn, r.path(), Perms.READ | Perms.ADMIN);
        List<Acl> acl = node.acl();
        if (!sessions.allows(acl, Perms.ADMIN, conn)) {
            acl = redactDigests(acl);
        }
        return new GetACLResponse(acl, tree.stat(r.path()));
    }

    /** Without ADMIN, ZooKeeper hides digest hashes: "user:hash" becomes "user:x". */
    private static List<Acl> redactDigests(List<Acl> acl) {
        List<Acl> out = new ArrayList<>(acl.size());
        for (Acl a : acl) {
            String id = a.id().id();
            int colon = id == null ? -1 : id.indexOf(':');
            if ("digest".equals(a.id().scheme()) && colon >= 0) {
                out.add(new Acl(a.perms(), new Id("digest", id.substring(0, colon) + ":x")));
            } else {
                out.add(a);
            }
        }
        return out;
    }

    private GetEphemeralsResponse getEphemerals(Connection conn, GetEphemeralsRequest r) throws KeeperError {
        String prefix = r.prefixPath() == null || r.prefixPath().isEmpty() ? "/" : r.prefixPath();
        checkPath(prefix);
        List<String> result = new ArrayList<>();
        for (String path : tree.ephemerals(conn.sessionId)) {
            if (prefix.equals("/") || path.startsWith(prefix)) {
                result.add(path);
            }
        }
        return new GetEphemeralsResponse(result);
    }

    private GetAllChildrenNumberResponse allChildren(Connection conn, GetAllChildrenNumberRequest r)
            throws KeeperError {
        readable(conn, r.path(), Perms.READ);
        return new GetAllChildrenNumberResponse(tree.allChildrenNumber(r.path()));
    }

    private WhoAmIResponse whoAmI(Connection conn) {
        List<ClientInfo> infos = new ArrayList<>();
        InetAddress ip = conn.channel.remoteAddress();
        if (ip != null) {
            infos.add(new ClientInfo("ip", ip.getHostAddress()));
        }
        for (Id id : sessions.authIds(conn)) {
            // A digest id is "user:hash"; ZooKeeper reports only the user.
            String user = id.id();
            if ("digest".equals(id.scheme()) && user != null && user.indexOf(':') >= 0) {
                user = user.substring(0, user.indexOf(':'));
            }
            infos.add(new ClientInfo(id.scheme(), user));
        }
        return new WhoAmIResponse(infos);
    }

    /** multiRead: each op answered on its own; a failing op yields an error result, others go on. */
    private MultiResponse multiRead(Connection conn, MultiRequest r) {
        List<MultiResult> results = new ArrayList<>(r.ops().size());
        for (MultiOp op : r.ops()) {
            try {
                if (op.type() == OpCode.GET_DATA) {
                    GetDataResponse d = getData(conn, (GetDataRequest) op.body());
                    results.add(MultiResult.getData(d.data(), d.stat()));
                } else {
                    GetChildrenRequest c = (GetChildrenRequest) op.body();
                    results.add(MultiResult.getChildren(children(conn, c.path(), c.watch())));
                }
            } catch (KeeperError e) {
                results.add(MultiResult.error(e.code().code()));
            }
        }
        return new MultiResponse(results);
    }

    /** The node at {@code path} when it exists and the session may do {@code perm} on it. */
    private NodeState readable(Connection conn, String path, int perm) throws KeeperError {
        checkPath(path);
        NodeState node = tree.node(path);
        if (node == null) {
            throw new KeeperError(ErrorCode.NONODE, path);
        }
        if (!sessions.allows(node.acl(), perm, conn)) {
            throw new KeeperError(ErrorCode.NOAUTH, path);
        }
        return node;
    }

    static String ipOf(Connection conn) {
        InetAddress ip = conn.channel.remoteAddress();
        return ip == null ? null : ip.getHostAddress();
    }

    static void checkPath(String path) throws KeeperError {
        if (path == null || !PathRules.isValid(path, false)) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, path);
        }
    }
}
