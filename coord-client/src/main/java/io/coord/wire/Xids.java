package io.coord.wire;

/** Reserved xids: replies and requests with these ids are not matched against the pending queue. */
public final class Xids {
    /** Server to client watch notification; body is a {@link WatcherEvent}. */
    public static final int NOTIFICATION = -1;
    /** Ping (op 11) and its reply. */
    public static final int PING = -2;
    /** Auth (op 100) and its reply. */
    public static final int AUTH = -4;
    /** setWatches / setWatches2 sent on reconnect, and their reply. */
    public static final int SET_WATCHES = -8;

    private Xids() {
    }
}
