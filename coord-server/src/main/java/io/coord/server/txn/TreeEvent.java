package io.coord.server.txn;

import io.coord.wire.Acl;
import java.util.List;

/**
 * A change a txn made, for the watch manager: {@code type} is an {@link io.coord.wire.EventType}
 * (NODE_CREATED, NODE_DELETED, NODE_DATA_CHANGED, NODE_CHILDREN_CHANGED) and {@code path} the node
 * it is about (for NODE_CHILDREN_CHANGED, the parent). {@code acl} is that node's ACL when the
 * change was made (for NODE_DELETED, the deleted node's): a watcher hears of the event only if it
 * may read the node, and by the time watches fire the node may be gone or, in a multi, replaced.
 */
public record TreeEvent(int type, String path, List<Acl> acl) {
}
