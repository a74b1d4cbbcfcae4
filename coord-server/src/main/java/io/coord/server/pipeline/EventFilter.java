package io.coord.server.pipeline;

import io.coord.server.watch.Notification;
import io.coord.wire.Acl;
import io.coord.wire.Perms;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a watch event from sessions that may not read the node it is about, as ZooKeeper 3.9 does
 * since CVE-2024-23944: a watcher hears of a change only with READ on the node the event names
 * (the parent for NodeChildrenChanged), judged by that node's ACL when the change was made, so a
 * NodeDeleted is judged by the ACL the deleted node had. The same rule holds for one-shot,
 * persistent and persistent-recursive watches (a recursive watch on an ancestor does not lend its
 * rights to the descendant). A one-shot watch whose event is dropped is still used up, as in
 * ZooKeeper: the watch manager has consumed it before the filter runs.
 */
final class EventFilter {
    private EventFilter() {
    }

    /**
     * The notifications whose watcher's session may read a node with {@code acl}. When anyone may
     * read it (the common case, e.g. OPEN_ACL_UNSAFE) the list is returned as it is, without
     * looking at any session.
     */
    static List<Notification<Connection>> readable(List<Notification<Connection>> fired, List<Acl> acl,
                                                   Sessions sessions) {
        if (fired.isEmpty() || sessions.authPolicy().allowsAnyone(acl, Perms.READ)) {
            return fired;
        }
        List<Notification<Connection>> out = new ArrayList<>(fired.size());
        for (Notification<Connection> n : fired) {
            Connection conn = n.watcher();
            if (sessions.allows(acl, Perms.READ, conn)) {
                out.add(n);
            }
        }
        return out;
    }
}
