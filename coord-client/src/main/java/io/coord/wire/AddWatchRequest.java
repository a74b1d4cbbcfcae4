package io.coord.wire;

/** Body of addWatch (106); mode is an {@link AddWatchMode}. The reply body is an {@link ErrorResponse}. */
public record AddWatchRequest(String path, int mode) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeInt(mode);
    }

    public static AddWatchRequest read(JuteReader in) {
        return new AddWatchRequest(in.readString(), in.readInt());
    }
}
