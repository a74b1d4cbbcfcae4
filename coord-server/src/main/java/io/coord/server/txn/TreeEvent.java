package io.coord.server.txn;

/**
 * A change a txn made, for the watch manager: {@code type} is an {@link io.coord.wire.EventType}
 * (NODE_CREATED, NODE_DELETED, NODE_DATA_CHANGED, NODE_CHILDREN_CHANGED) and {@code path} the node
 * it is about (for NODE_CHILDREN_CHANGED, the parent).
 */
public record TreeEvent(int type, String path) {
}
