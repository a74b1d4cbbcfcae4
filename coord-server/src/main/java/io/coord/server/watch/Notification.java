package io.coord.server.watch;

/**
 * One watch event to deliver: {@code eventType} is an {@link io.coord.wire.EventType} code and
 * {@code path} the path the event names (the parent for NodeChildrenChanged).
 */
public record Notification<W>(W watcher, String path, int eventType) {
}
