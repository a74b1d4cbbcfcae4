package io.coord.client;

/**
 * A watch firing: what happened, to which client path, and the zxid of the change (0 for events
 * the client makes itself, such as watch removal, or from servers that do not send it).
 */
public record WatchEvent(WatchEventType type, String path, long zxid) {
}
