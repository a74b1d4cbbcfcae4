package io.coord.wire;

/** Body of removeWatches (18); type is a {@link WatcherType}. */
public record RemoveWatchesRequest(String path, int type) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeInt(type);
    }

    public static RemoveWatchesRequest read(JuteReader in) {
        return new RemoveWatchesRequest(in.readString(), in.readInt());
    }
}
