package io.coord.wire;

/** Body of getChildren2 (12); same as getChildren but the reply carries the Stat. */
public record GetChildren2Request(String path, boolean watch) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBool(watch);
    }

    public static GetChildren2Request read(JuteReader in) {
        return new GetChildren2Request(in.readString(), in.readBool());
    }
}
