package io.coord.wire;

/** Body of a notification (xid -1). {@code type}: {@link EventType}; {@code state}: {@link KeeperState}. */
public record WatcherEvent(int type, int state, String path) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeInt(type).writeInt(state).writeString(path);
    }

    public static WatcherEvent read(JuteReader in) {
        return new WatcherEvent(in.readInt(), in.readInt(), in.readString());
    }
}
