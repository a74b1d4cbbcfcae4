package io.coord.client;

import io.coord.wire.EventType;

/** What a {@link WatchEvent} reports. */
public enum WatchEventType {
    NODE_CREATED(EventType.NODE_CREATED),
    NODE_DELETED(EventType.NODE_DELETED),
    NODE_DATA_CHANGED(EventType.NODE_DATA_CHANGED),
    NODE_CHILDREN_CHANGED(EventType.NODE_CHILDREN_CHANGED),
    DATA_WATCH_REMOVED(EventType.DATA_WATCH_REMOVED),
    CHILD_WATCH_REMOVED(EventType.CHILD_WATCH_REMOVED),
    PERSISTENT_WATCH_REMOVED(EventType.PERSISTENT_WATCH_REMOVED);

    private final int code;

    WatchEventType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a wire code, or null for None (-1) and unknown codes. */
    public static WatchEventType of(int code) {
        for (WatchEventType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
