package io.coord.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.coord.client.ChildrenResult;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.CreateResult;
import io.coord.client.DataResult;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.Stat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The node commands: ls, create, get, set, delete, deleteall, stat, sync, getEphemerals, getAllChildrenNumber. */
final class NodeCommands {
    /** Bounds what ls -R, deleteall and setAcl -R will walk, so a huge tree cannot exhaust the heap. */
    static final int MAX_SUBTREE_NODES = 1_000_000;

    private final Connection connection;

    NodeCommands(Connection connection) {
        this.connection = connection;
    }

    Result ls(CommandArgs a) {
        CoordClient c = connection.client();
        String path = a.arg(0);
        if (a.has('R')) {
            List<String> paths = subtree(c, path);
            Result r = Result.forPath(path).lines(paths);
            ArrayNode arr = r.json().putArray("paths");
            paths.forEach(arr::add);
            return r;
        }
        ChildrenResult children = c.getChildren(path, a.has('w') ? connection.watcher() : null);
        List<String> names = new ArrayList<>(children.children());
        names.sort(null);
        Result r = Result.forPath(path).line(names.toString());
        ArrayNode arr = r.json().putArray("children");
        names.forEach(arr::add);
        if (a.has('s')) {
            r.lines(StatView.lines(children.stat()));
        }
        r.json().set("stat", StatView.json(children.stat()));
        return r;
    }

    Result create(CommandArgs a) {
        CreateMode mode = createMode(a);
        long ttlMs = a.longValue('t', 0);
        if (a.value('t') != null && ttlMs <= 0) {
            throw a.usage("-t needs a TTL > 0 in milliseconds");
        }
        byte[] data = a.arg(1) == null ? null : a.arg(1).getBytes(StandardCharsets.UTF_8);
        List<Acl> acl = a.arg(2) == null ? Acl.OPEN_ACL_UNSAFE : AclSyntax.parse(a.arg(2));
        CreateResult created = connection.client().create(a.arg(0), data, acl, mode, ttlMs);
        Result r = Result.forPath(created.path()).line("Created " + created.path());
        r.json().set("stat", StatView.json(created.stat()));
        return r;
    }

    private static CreateMode createMode(CommandArgs a) {
        boolean seq = a.has('s');
        boolean eph = a.has('e');
        boolean container = a.has('c');
        boolean ttl = a.value('t') != null;
        if (container && (seq || eph || ttl)) {
            throw a.usage("-c cannot be combined with -s, -e or -t: containers are plain persistent nodes");
        }
        if (ttl && eph) {
            throw a.usage("-t cannot be combined with -e: ephemeral nodes have no TTL");
        }
        if (container) {
            return CreateMode.CONTAINER;
        }
        if (ttl) {
            return seq ? CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateMode.PERSISTENT_WITH_TTL;
        }
        if (eph) {
            return seq ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL;
        }
        return seq ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
    }

    Result get(CommandArgs a) {
        String path = a.arg(0);
        DataResult d = connection.client().getData(path, a.has('w') ? connection.watcher() : null);
        String text = d.data() == null ? null : new String(d.data(), StandardCharsets.UTF_8);
        Result r = Result.forPath(path).line(text == null ? "null" : text);
        r.json().put("data", text);
        if (a.has('s')) {
            r.lines(StatView.lines(d.stat()));
        }
        r.json().set("stat", StatView.json(d.stat()));
        return r;
    }

    Result set(CommandArgs a) {
        String path = a.arg(0);
        Stat stat = connection.client().setData(path, a.arg(1).getBytes(StandardCharsets.UTF_8),
                a.intValue('v', -1));
        return withStat(Result.forPath(path), stat, a.has('s'));
    }

    Result delete(CommandArgs a) {
        String path = a.arg(0);
        connection.client().delete(path, a.intValue('v', -1));
        Result r = Result.forPath(path);
        r.json().put("deleted", 1);
        return r;
    }

    /** Deletes the subtree deepest-first; nodes someone else removed meanwhile are fine. */
    Result deleteAll(CommandArgs a) {
        CoordClient c = connection.client();
        String path = a.arg(0);
        List<String> nodes = subtree(c, path);
        int deleted = 0;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            String p = nodes.get(i);
            if (p.equals("/") || p.equals("/zookeeper") || p.startsWith("/zookeeper/")) {
                continue; // the root and the system nodes cannot be deleted
            }
            try {
                c.delete(p, -1);
                deleted++;
            } catch (CoordException.NoNodeException gone) {
                // removed by someone else (or an ephemeral that expired): the goal holds
            }
        }
        Result r = Result.forPath(path);
        r.json().put("deleted", deleted);
        return r;
    }

    Result stat(CommandArgs a) {
        String path = a.arg(0);
        Stat stat = connection.client().exists(path, a.has('w') ? connection.watcher() : null);
        if (stat == null) {
            throw new CoordException.NoNodeException(path);
        }
        return withStat(Result.forPath(path), stat, true);
    }

    Result sync(CommandArgs a) {
        String path = a.arg(0);
        connection.client().sync(path);
        Result r = Result.forPath(path).line("Sync is OK");
        r.json().put("synced", true);
        return r;
    }

    Result getEphemerals(CommandArgs a) {
        String path = a.arg(0) == null ? "/" : a.arg(0);
        List<String> paths = new ArrayList<>(connection.client().getEphemerals(path));
        paths.sort(null);
        Result r = Result.forPath(path).line(paths.toString());
        ArrayNode arr = r.json().putArray("ephemerals");
        paths.forEach(arr::add);
        return r;
    }

    Result getAllChildrenNumber(CommandArgs a) {
        String path = a.arg(0);
        int count = connection.client().getAllChildrenNumber(path);
        Result r = Result.forPath(path).line(Integer.toString(count));
        r.json().put("count", count);
        return r;
    }

    static Result withStat(Result r, Stat stat, boolean printText) {
        if (printText) {
            r.lines(StatView.lines(stat));
        }
        r.json().set("stat", StatView.json(stat));
        return r;
    }

    /** {@code root} and every node under it, breadth first, children in name order. */
    static List<String> subtree(CoordClient c, String root) {
        List<String> out = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(root);
        boolean first = true;
        while (!queue.isEmpty()) {
            String p = queue.poll();
            List<String> children;
            try {
                children = new ArrayList<>(c.getChildren(p).children());
            } catch (CoordException.NoNodeException gone) {
                if (first) {
                    throw gone;
                }
                continue; // deleted while we walked
            }
            first = false;
            out.add(p);
            children.sort(null);
            for (String child : children) {
                if (out.size() + queue.size() >= MAX_SUBTREE_NODES) {
                    throw new CliFailure("subtree of " + root + " has more than " + MAX_SUBTREE_NODES + " nodes");
                }
                queue.add(p.equals("/") ? "/" + child : p + "/" + child);
            }
        }
        return out;
    }
}
