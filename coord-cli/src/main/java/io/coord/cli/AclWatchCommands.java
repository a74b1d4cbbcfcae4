package io.coord.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coord.client.AclResult;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.WatchMode;
import io.coord.client.WatchType;
import io.coord.wire.Acl;
import io.coord.wire.Stat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** The ACL, auth and watch commands: getAcl, setAcl, addauth, addWatch, removewatches. */
final class AclWatchCommands {
    private final Connection connection;

    AclWatchCommands(Connection connection) {
        this.connection = connection;
    }

    Result getAcl(CommandArgs a) {
        String path = a.arg(0);
        AclResult acl = connection.client().getAcl(path);
        Result r = Result.forPath(path);
        ArrayNode arr = r.json().putArray("acl");
        for (Acl entry : acl.acl()) {
            String perms = AclSyntax.format(entry.perms());
            r.line("'" + entry.id().scheme() + ",'" + entry.id().id()).line(": " + perms);
            ObjectNode o = arr.addObject();
            o.put("scheme", entry.id().scheme());
            o.put("id", entry.id().id());
            o.put("perms", perms);
        }
        return NodeCommands.withStat(r, acl.stat(), a.has('s'));
    }

    /** With -R the ACL goes to every node of the subtree; -v checks the named node's version only. */
    Result setAcl(CommandArgs a) {
        CoordClient c = connection.client();
        String path = a.arg(0);
        List<Acl> acl = AclSyntax.parse(a.arg(1));
        Stat stat = c.setAcl(path, acl, a.intValue('v', -1));
        int updated = 1;
        if (a.has('R')) {
            List<String> nodes = NodeCommands.subtree(c, path);
            for (String p : nodes.subList(1, nodes.size())) {
                try {
                    c.setAcl(p, acl, -1);
                    updated++;
                } catch (CoordException.NoNodeException gone) {
                    // deleted while we walked
                }
            }
        }
        Result r = NodeCommands.withStat(Result.forPath(path), stat, a.has('s'));
        r.json().put("updated", updated);
        return r;
    }

    /**
     * Authenticates the current session in place (it keeps its ephemerals and watches); the client
     * re-sends the credential after every reconnect. A scheme the server rejects fails with
     * AUTHFAILED and the session carries on without it.
     */
    Result addAuth(CommandArgs a) {
        String scheme = a.arg(0);
        String auth = a.arg(1);
        String user = null;
        if (scheme.equals("digest")) {
            int colon = auth.indexOf(':');
            if (colon <= 0) {
                throw a.usage("digest auth must be user:password");
            }
            user = auth.substring(0, colon);
        }
        CoordClient c = connection.client();
        c.addAuth(scheme, auth.getBytes(StandardCharsets.UTF_8));
        Result r = new Result();
        r.json().put("scheme", scheme);
        if (user != null) {
            r.json().put("user", user);
        }
        r.json().put("sessionId", "0x" + Long.toHexString(c.sessionId()));
        return r;
    }

    Result addWatch(CommandArgs a) {
        String path = a.arg(0);
        String modeName = a.value('m') == null ? "persistentRecursive" : a.value('m');
        WatchMode mode = switch (modeName.toLowerCase(Locale.ROOT)) {
            case "persistent" -> WatchMode.PERSISTENT;
            case "persistentrecursive", "persistent_recursive" -> WatchMode.PERSISTENT_RECURSIVE;
            default -> throw a.usage("unknown mode '" + modeName + "' (persistent or persistentRecursive)");
        };
        connection.client().addWatch(path, mode, connection.watcher());
        Result r = Result.forPath(path);
        r.json().put("mode", mode == WatchMode.PERSISTENT ? "persistent" : "persistentRecursive");
        return r;
    }

    Result removeWatches(CommandArgs a) {
        String path = a.arg(0);
        int chosen = (a.has('c') ? 1 : 0) + (a.has('d') ? 1 : 0) + (a.has('a') ? 1 : 0);
        if (chosen > 1) {
            throw a.usage("give at most one of -c, -d, -a");
        }
        WatchType type = a.has('c') ? WatchType.CHILDREN : a.has('d') ? WatchType.DATA : WatchType.ANY;
        boolean local = a.has('l');
        connection.client().removeWatches(path, type, null, local);
        Result r = Result.forPath(path);
        r.json().put("removed", type.name().toLowerCase(Locale.ROOT));
        r.json().put("local", local);
        return r;
    }
}
