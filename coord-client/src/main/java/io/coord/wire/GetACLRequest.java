package io.coord.wire;

/** Body of getACL (6). */
public record GetACLRequest(String path) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path);
    }

    public static GetACLRequest read(JuteReader in) {
        return new GetACLRequest(in.readString());
    }
}
