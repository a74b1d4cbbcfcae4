package io.coord.wire;

/** Body of getData (4). */
public record GetDataRequest(String path, boolean watch) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBool(watch);
    }

    public static GetDataRequest read(JuteReader in) {
        return new GetDataRequest(in.readString(), in.readBool());
    }
}
