package io.coord.wire;

/** Body of sync (9). */
public record SyncRequest(String path) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path);
    }

    public static SyncRequest read(JuteReader in) {
        return new SyncRequest(in.readString());
    }
}
