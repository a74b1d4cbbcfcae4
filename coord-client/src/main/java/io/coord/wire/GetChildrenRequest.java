package io.coord.wire;

/** Body of getChildren (8). */
public record GetChildrenRequest(String path, boolean watch) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBool(watch);
    }

    public static GetChildrenRequest read(JuteReader in) {
        return new GetChildrenRequest(in.readString(), in.readBool());
    }
}
