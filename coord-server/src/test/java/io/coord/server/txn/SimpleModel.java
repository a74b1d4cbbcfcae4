package io.coord.server.txn;

import io.coord.wire.Acl;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.CreateMode;
import io.coord.wire.CreateRequest;
import io.coord.wire.CreateTTLRequest;
import io.coord.wire.DeleteRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.Id;
import io.coord.wire.KeeperError;
import io.coord.wire.Perms;
import io.coord.wire.SetACLRequest;
import io.coord.wire.SetDataRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The oracle for {@link ModelTest}: ZooKeeper's rules restated as plainly as possible over a
 * TreeMap of mutable nodes, with children found by scanning keys. Knows only the path shapes,
 * ACLs and sessions ModelTest generates.
 */
final class SimpleModel {
    static final long CONTAINER = Long.MIN_VALUE;
    static final long TTL_BITS = 0xFF00000000000000L;

    static final class Node {
        byte[] data;
        List<Acl> acl;
        long czxid, mzxid, ctime, mtime, pzxid, owner;
        int version, cversion, aversion;

        Node copy() {
            Node n = new Node();
            n.data = data; n.acl = acl; n.czxid = czxid; n.mzxid = mzxid; n.ctime = ctime; n.mtime = mtime;
            n.pzxid = pzxid; n.owner = owner; n.version = version; n.cversion = cversion; n.aversion = aversion;
            return n;
        }
    }

    TreeMap<String, Node> nodes = new TreeMap<>();

    SimpleModel() {
        put("/", Acl.OPEN_ACL_UNSAFE, -1, 0);
        put("/zookeeper", Acl.OPEN_ACL_UNSAFE, -2, 0);
        put("/zookeeper/config", Acl.READ_ACL_UNSAFE, 0, -1);
        put("/zookeeper/quota", Acl.OPEN_ACL_UNSAFE, 0, 0);
    }

    private void put(String path, List<Acl> acl, int cversion, int aversion) {
        Node n = new Node();
        n.data = new byte[0];
        n.acl = acl;
        n.cversion = cversion;
        n.aversion = aversion;
        nodes.put(path, n);
    }

    SimpleModel copy() {
        SimpleModel m = new SimpleModel();
        m.nodes = new TreeMap<>();
        nodes.forEach((p, n) -> m.nodes.put(p, n.copy()));
        return m;
    }

    static String parentOf(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    Set<String> children(String path) {
        Set<String> out = new TreeSet<>();
        for (String p : nodes.keySet()) {
            if (!p.equals("/") && parentOf(p).equals(path)) {
                out.add(p.substring(p.lastIndexOf('/') + 1));
            }
        }
        return out;
    }

    Set<String> ephemerals(long session) {
        Set<String> out = new TreeSet<>();
        nodes.forEach((p, n) -> {
            if (n.owner == session) {
                out.add(p);
            }
        });
        return out;
    }

    List<String> expiring() {
        List<String> out = new ArrayList<>();
        nodes.forEach((p, n) -> {
            if (n.owner == CONTAINER || (n.owner & TTL_BITS) == TTL_BITS) {
                out.add(p);
            }
        });
        return out;
    }

    static boolean validPath(String p, boolean seq) {
        String q = seq ? p + "1" : p;
        if (!q.startsWith("/")) {
            return false;
        }
        if (q.equals("/")) {
            return true;
        }
        if (q.endsWith("/")) {
            return false;
        }
        for (String seg : q.substring(1).split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return false;
            }
        }
        return true;
    }

    static KeeperError err(ErrorCode c) {
        return new KeeperError(c, null);
    }

    static boolean allowed(List<Acl> acl, int perm, PrepContext ctx) {
        for (Acl a : acl) {
            if ((a.perms() & perm) == 0) {
                continue;
            }
            Id id = a.id();
            if (id.scheme().equals("world") && id.id().equals("anyone")) {
                return true;
            }
            if (id.scheme().equals("digest") && ctx.authIds().contains(id)) {
                return true;
            }
            if (id.scheme().equals("ip") && id.id().equals("10.0.0.0/24") && ctx.clientIp().startsWith("10.0.0.")) {
                return true;
            }
        }
        return false;
    }

    static List<Acl> resolve(List<Acl> acl, PrepContext ctx) throws KeeperError {
        if (acl.isEmpty()) {
            throw err(ErrorCode.INVALIDACL);
        }
        if (acl.equals(Acl.CREATOR_ALL_ACL)) {
            if (ctx.authIds().isEmpty()) {
                throw err(ErrorCode.INVALIDACL);
            }
            List<Acl> out = new ArrayList<>();
            for (Id id : ctx.authIds()) {
                out.add(new Acl(Perms.ALL, id));
            }
            return out;
        }
        return acl;
    }

    Node need(String path) throws KeeperError {
        Node n = nodes.get(path);
        if (n == null) {
            throw err(ErrorCode.NONODE);
        }
        return n;
    }

    /** Applies one request; returns the created path for creates. */
    String apply(Object op, PrepContext ctx, long zxid) throws KeeperError {
        if (op instanceof CreateRequest r) {
            return create(r.path(), r.data(), r.acl(), r.flags(), -1, false, ctx, zxid);
        } else if (op instanceof CreateTTLRequest r) {
            return create(r.path(), r.data(), r.acl(), r.flags(), r.ttl(), true, ctx, zxid);
        } else if (op instanceof DeleteRequest r) {
            delete(r.path(), r.version(), ctx, zxid);
        } else if (op instanceof SetDataRequest r) {
            if (!validPath(r.path(), false)) {
                throw err(ErrorCode.BADARGUMENTS);
            }
            Node n = need(r.path());
            perm(n, Perms.WRITE, ctx);
            version(n.version, r.version());
            n.data = r.data();
            n.version++;
            n.mzxid = zxid;
            n.mtime = ctx.timeMs();
            return r.path();
        } else if (op instanceof SetACLRequest r) {
            if (!validPath(r.path(), false)) {
                throw err(ErrorCode.BADARGUMENTS);
            }
            List<Acl> acl = resolve(r.acl(), ctx);
            Node n = need(r.path());
            perm(n, Perms.ADMIN, ctx);
            version(n.aversion, r.version());
            n.acl = acl;
            n.aversion++;
            return r.path();
        } else if (op instanceof CheckVersionRequest r) {
            if (!validPath(r.path(), false)) {
                throw err(ErrorCode.BADARGUMENTS);
            }
            Node n = need(r.path());
            perm(n, Perms.READ, ctx);
            version(n.version, r.version());
        }
        return null;
    }

    private static void perm(Node n, int perm, PrepContext ctx) throws KeeperError {
        if (!allowed(n.acl, perm, ctx)) {
            throw err(ErrorCode.NOAUTH);
        }
    }

    private static void version(int actual, int expected) throws KeeperError {
        if (expected != -1 && expected != actual) {
            throw err(ErrorCode.BADVERSION);
        }
    }

    private String create(String path, byte[] data, List<Acl> acl, int flags, long ttl, boolean ttlOp,
                          PrepContext ctx, long zxid) throws KeeperError {
        CreateMode mode = CreateMode.fromFlag(flags);
        if (mode == null || (ttlOp && !mode.isTtl())) {
            throw err(ErrorCode.BADARGUMENTS);
        }
        if (mode.isTtl() && !ctx.extendedTypesEnabled()) {
            throw err(ErrorCode.UNIMPLEMENTED);
        }
        if (mode.isTtl() ? ttl <= 0 : ttl >= 0) {
            throw err(ErrorCode.BADARGUMENTS);
        }
        if (path == null || path.lastIndexOf('/') < 0 || path.indexOf('\0') >= 0) {
            throw err(ErrorCode.BADARGUMENTS);
        }
        List<Acl> stored = resolve(acl, ctx);
        Node parent = need(parentOf(path));
        perm(parent, Perms.CREATE, ctx);
        // The suffix counts the parent's child creations; cversion counts creates and deletes.
        int created = (parent.cversion + children(parentOf(path)).size()) / 2;
        String finalPath = mode.isSequential() ? path + String.format("%010d", created) : path;
        if (!validPath(finalPath, false)) {
            throw err(ErrorCode.BADARGUMENTS);
        }
        if (nodes.containsKey(finalPath)) {
            throw err(ErrorCode.NODEEXISTS);
        }
        if (parent.owner != 0 && parent.owner != CONTAINER && (parent.owner & TTL_BITS) != TTL_BITS) {
            throw err(ErrorCode.NOCHILDRENFOREPHEMERALS);
        }
        Node n = new Node();
        n.data = data;
        n.acl = stored;
        n.czxid = n.mzxid = n.pzxid = zxid;
        n.ctime = n.mtime = ctx.timeMs();
        n.owner = mode.isContainer() ? CONTAINER : mode.isTtl() ? TTL_BITS | ttl
                : mode.isEphemeral() ? ctx.sessionId() : 0;
        parent.cversion++;
        parent.pzxid = zxid;
        nodes.put(finalPath, n);
        return finalPath;
    }

    private void delete(String path, int version, PrepContext ctx, long zxid) throws KeeperError {
        if (!validPath(path, false) || path.equals("/") || path.equals("/zookeeper")
                || path.equals("/zookeeper/quota") || path.equals("/zookeeper/config")) {
            throw err(ErrorCode.BADARGUMENTS);
        }
        Node parent = need(parentOf(path));
        perm(parent, Perms.DELETE, ctx);
        Node n = need(path);
        version(n.version, version);
        if (!children(path).isEmpty()) {
            throw err(ErrorCode.NOTEMPTY);
        }
        remove(path, zxid);
    }

    private void remove(String path, long zxid) {
        nodes.remove(path);
        Node parent = nodes.get(parentOf(path));
        parent.cversion++;
        parent.pzxid = zxid;
    }

    void closeSession(long session, long zxid) {
        for (String p : ephemerals(session)) {
            remove(p, zxid);
        }
    }

    String expire(String path, long now, long zxid) throws KeeperError {
        Node n = need(path);
        if (!children(path).isEmpty()) {
            throw err(ErrorCode.NOTEMPTY);
        }
        boolean due = n.owner == CONTAINER ? n.cversion > 0
                : (n.owner & TTL_BITS) == TTL_BITS && now - n.mtime > (n.owner & ~TTL_BITS);
        if (!due) {
            throw err(ErrorCode.BADVERSION);
        }
        remove(path, zxid);
        return null;
    }
}
