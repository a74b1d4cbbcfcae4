package io.coord.wire;

/** Reply of sync (9): the path of the request. */
public record SyncResponse(String path) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path);
    }

    public static SyncResponse read(JuteReader in) {
        return new SyncResponse(in.readString());
    }
}
